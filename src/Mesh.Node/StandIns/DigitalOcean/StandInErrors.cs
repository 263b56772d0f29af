namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// Error answers in the API's shape, {id, message, request_id}, with the request_id equal to the
/// x-request-id header so a client can quote either. Ids and messages are the API's own where known.
/// </summary>
internal static class StandInErrors
{
    public const string RequestIdKey = "standin.request-id";

    public static IResult NotFound(HttpContext context) =>
        Result(context, StatusCodes.Status404NotFound, "not_found", "The resource you were accessing could not be found.");

    public static IResult Unprocessable(HttpContext context, string message) =>
        Result(context, StatusCodes.Status422UnprocessableEntity, "unprocessable_entity", message);

    public static IResult ForStatus(HttpContext context, int status)
    {
        var (id, message) = Describe(status);
        return Result(context, status, id, message);
    }

    public static IResult Result(HttpContext context, int status, string id, string message) =>
        Results.Json(new ErrorBody(id, message, RequestId(context)), StandInJson.Options, statusCode: status);

    public static string RequestId(HttpContext context) => context.Items[RequestIdKey] as string ?? "";

    private static (string Id, string Message) Describe(int status) => status switch
    {
        401 => ("unauthorized", "Unable to authenticate you."),
        403 => ("forbidden", "You are not authorized to perform this operation."),
        404 => ("not_found", "The resource you were accessing could not be found."),
        405 => ("method_not_allowed", "The method is not allowed for this resource."),
        415 => ("unsupported_media_type", "The request body must be application/json."),
        422 => ("unprocessable_entity", "The request could not be processed."),
        429 => ("too_many_requests", "API Rate limit exceeded."),
        503 => ("service_unavailable", "The service is temporarily unavailable. Please try again later."),
        >= 500 => ("server_error", "Server was unable to give you a response."),
        _ => ("bad_request", "The request could not be understood."),
    };
}
