using Mesh.Contracts.Failover;

namespace Mesh.Actors.Fencing.Lease;

/// <summary>When this member stopped granting to a region, on its own monotonic clock, and the epoch that stopped it.</summary>
public sealed record GrantStop(string Region, Epoch Epoch, TimeSpan At);

/// <summary>
/// A grantor's copy of the stored state and the regions it stopped granting to because that copy moved
/// away from them. Evidence (c) needs every member outside the old region to confirm its stop; the
/// memory keeps the confirmation repeatable for as long as the stop lasts.
/// </summary>
public sealed record GrantorMemory(FailoverState? State, IReadOnlyDictionary<string, GrantStop> Stopped)
{
    public static readonly GrantorMemory Empty = new(null, new Dictionary<string, GrantStop>(StringComparer.Ordinal));

    /// <summary>
    /// The memory after this member's copy became <paramref name="next"/> at <paramref name="now"/>, and the
    /// stops that happened just now. A copy older than the one held is ignored: the replicas keep the higher
    /// epoch, and a grantor must never resume granting on a stale read. A region granted again (an abort
    /// made it active again) forgets its stop.
    /// </summary>
    public (GrantorMemory Memory, IReadOnlyList<GrantStop> NewStops) Observe(FailoverState next, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (State is not null && next.Epoch < State.Epoch) return (this, []);

        var stopped = new Dictionary<string, GrantStop>(Stopped, StringComparer.Ordinal);
        var newStops = new List<GrantStop>();
        // The region it granted until now, and the region a stored move leaves (also when this is the first
        // copy it sees: an earlier incarnation of this node may have granted to it).
        string?[] candidates = [State is not null && GrantRule.Grants(State, State.ActiveRegion) ? State.ActiveRegion : null, next.Move?.From];
        foreach (var region in candidates.OfType<string>().Distinct(StringComparer.Ordinal))
        {
            if (GrantRule.Grants(next, region) || stopped.ContainsKey(region)) continue;
            var stop = new GrantStop(region, next.Epoch, now);
            stopped[region] = stop;
            newStops.Add(stop);
        }
        foreach (var region in stopped.Keys.Where(r => GrantRule.Grants(next, r)).ToList()) stopped.Remove(region);
        return (new GrantorMemory(next, stopped), newStops);
    }
}
