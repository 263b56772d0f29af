namespace Mesh.Node.Api;

/// <summary>Every error of the API is RFC 9457 problem+json, with the reason in words.</summary>
public static class ApiProblems
{
    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not Found", detail);
    public static IResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", detail);
    public static IResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, "Bad Request", detail);

    /// <summary>A refusal with every reason as a list too (extension member <c>reasons</c>), for clients that show them one by one.</summary>
    public static IResult WithReasons(int status, string detail, IReadOnlyList<string> reasons) =>
        Results.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { ["reasons"] = reasons });
}
