using System.Collections.Concurrent;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>This node's copy of the latest load balancer statuses, read by the loadbalancer probes.</summary>
public sealed class LoadBalancerStatuses
{
    private readonly ConcurrentDictionary<string, LoadBalancerObserved> _latest = new(StringComparer.OrdinalIgnoreCase);

    public void Update(LoadBalancerObserved observed) =>
        _latest.AddOrUpdate(observed.LoadBalancerId, observed, (_, old) => observed.At >= old.At ? observed : old);

    public LoadBalancerObserved? Get(string loadBalancerId) => _latest.GetValueOrDefault(loadBalancerId);
}
