using System.Text.Json.Serialization;

namespace Mesh.Actors.DigitalOcean;

/// <summary>The parts of a DigitalOcean load balancer the mesh reads (GET /v2/load_balancers/{id}).</summary>
public sealed record LoadBalancer(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("ip")] string? Ip);

internal sealed record LoadBalancerEnvelope([property: JsonPropertyName("load_balancer")] LoadBalancer? LoadBalancer);

internal sealed record ApiError(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("request_id")] string? RequestId);
