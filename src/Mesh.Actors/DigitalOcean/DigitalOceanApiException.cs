namespace Mesh.Actors.DigitalOcean;

/// <summary>
/// The DigitalOcean API refused a request (<see cref="Status"/> and its error body: <c>id</c>, <c>message</c>,
/// <c>request_id</c>) or did not answer at all (<see cref="Status"/> null). Built only from the answer, so it
/// never holds the token.
/// </summary>
public sealed class DigitalOceanApiException : Exception
{
    public DigitalOceanApiException(string operation, int? status, string? errorId, string apiMessage, string? requestId,
        TimeSpan? retryAfter = null, RateLimit? rateLimit = null, Exception? inner = null)
        : base(Describe(operation, status, errorId, apiMessage, requestId), inner)
    {
        Operation = operation;
        Status = status;
        ErrorId = errorId;
        ApiMessage = apiMessage;
        RequestId = requestId;
        RetryAfter = retryAfter;
        RateLimit = rateLimit;
    }

    /// <summary>What was asked, e.g. <c>GET /v2/load_balancers/{id}</c>, without query string or body.</summary>
    public string Operation { get; }
    public int? Status { get; }
    public string? ErrorId { get; }
    public string ApiMessage { get; }
    public string? RequestId { get; }
    public TimeSpan? RetryAfter { get; }
    public RateLimit? RateLimit { get; }

    public bool IsUnauthorized => Status == 401;

    private static string Describe(string operation, int? status, string? errorId, string message, string? requestId) =>
        (status is null ? $"DigitalOcean API did not answer {operation}: " : $"DigitalOcean API answered {operation} with {status}{(errorId is null ? "" : " " + errorId)}: ")
        + message + (requestId is null ? "" : $" (request {requestId})");
}
