using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Probes;

/// <summary>
/// A load balancer's status as the cluster's one reader last got it from the DigitalOcean API
/// (published on <see cref="Topic"/>). <see cref="Status"/> is null when the API could not be read:
/// an API error makes the status unknown, never unhealthy.
/// </summary>
public sealed record LoadBalancerObserved(string LoadBalancerId, string? Status, DateTimeOffset At, string? Error) : IMeshMessage
{
    public const string Topic = "load-balancers";
}
