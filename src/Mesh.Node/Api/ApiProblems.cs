namespace Mesh.Node.Api;

/// <summary>Every error of the API is RFC 9457 problem+json, with the reason in words.</summary>
public static class ApiProblems
{
    public static IResult Problem(int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail);

    public static IResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not Found", detail);
    public static IResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", detail);
}
