using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// A DigitalOcean load balancer: an HTTP check through its public URL every interval, and its status
/// as DigitalOcean reports it (read for the whole cluster at most every 30 s). <c>new</c> and
/// <c>errored</c> fail the check; an unknown status (the API could not be read) does not.
/// </summary>
public sealed class LoadBalancerProbe(string loadBalancerId, HttpProbe http, LoadBalancerStatuses statuses) : IProbe
{
    public const string Active = "active";

    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var result = await http.CheckAsync(cancellationToken);
        var observed = statuses.Get(loadBalancerId);
        var facts = result.Facts with { LoadBalancerStatus = observed?.Status, LoadBalancerStatusAt = observed?.At };
        if (!result.Passed) return result with { Facts = facts };
        return observed?.Status is { } status && !string.Equals(status, Active, StringComparison.OrdinalIgnoreCase)
            ? CheckResult.Fail(result.Latency, $"DigitalOcean reports the load balancer as '{status}'", facts)
            : result with { Facts = facts };
    }

    public ValueTask DisposeAsync() => http.DisposeAsync();
}
