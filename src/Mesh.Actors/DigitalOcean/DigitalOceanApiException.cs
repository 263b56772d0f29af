namespace Mesh.Actors.DigitalOcean;

/// <summary>An error answer of the DigitalOcean API, with its error body (<c>id</c>, <c>message</c>, <c>request_id</c>). Never holds the token.</summary>
public sealed class DigitalOceanApiException(int status, string? errorId, string apiMessage, string? requestId)
    : Exception($"DigitalOcean API answered {status}{(errorId is null ? "" : " " + errorId)}: {apiMessage}{(requestId is null ? "" : $" (request {requestId})")}")
{
    public int Status { get; } = status;
    public string? ErrorId { get; } = errorId;
    public string ApiMessage { get; } = apiMessage;
    public string? RequestId { get; } = requestId;
}
