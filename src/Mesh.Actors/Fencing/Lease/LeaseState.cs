namespace Mesh.Actors.Fencing.Lease;

/// <summary>How long one region's grants last for the guard: the latest end of any of its valid grants.</summary>
public sealed record RegionGrant(string Region, TimeSpan LastsUntil);

/// <summary>The guard's lease at one moment (guard's monotonic clock).</summary>
/// <param name="EndsAt">When fewer than Quorum regions will have a grant still lasting, counting only grants received so far; null when Quorum regions never granted.</param>
/// <param name="Holds">The lease has not ended at the moment asked.</param>
/// <param name="Lasting">The regions with a grant still lasting at that moment, latest end first.</param>
public sealed record LeaseState(TimeSpan? EndsAt, bool Holds, IReadOnlyList<RegionGrant> Lasting)
{
    /// <summary>Whether the guard ever held a lease: Quorum regions' grants once overlapped.</summary>
    public bool EverHeld => EndsAt is not null;
}

/// <summary>
/// The lease arithmetic of SPEC 6 rule 4, as a pure function of what the guard sent and received.
/// </summary>
public static class LeaseArithmetic
{
    /// <summary>
    /// A grant counts only when it names a request this guard sent, the guard's region, and an epoch no older
    /// than the newest the guard knows (a grantor whose copy lags may not know of a move away), and when it
    /// arrived before the Duration it grants ran out. It lasts Duration from the request's send time: the
    /// guard sent it before any grantor saw it, so the guard's count ends no later than any count that starts
    /// at or after the grant, whatever the network delays were.
    /// </summary>
    public static LeaseState Compute(GuardFacts facts, TimeSpan now, LeaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(settings);
        var sent = new Dictionary<long, TimeSpan>();
        foreach (var r in facts.Requests) sent[r.RequestId] = r.SentAt;

        var byRegion = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var g in facts.Grants)
        {
            if (g.ReceivedAt > now || !sent.TryGetValue(g.RequestId, out var sentAt)) continue;
            if (!string.Equals(g.Region, facts.Region, StringComparison.Ordinal) || g.Epoch < facts.NewestEpoch) continue;
            var lastsUntil = sentAt + settings.Duration;
            if (g.ReceivedAt >= lastsUntil) continue;
            if (!byRegion.TryGetValue(g.GrantorRegion, out var known) || lastsUntil > known) byRegion[g.GrantorRegion] = lastsUntil;
        }

        var ends = byRegion.Select(kv => new RegionGrant(kv.Key, kv.Value))
            .OrderByDescending(r => r.LastsUntil).ThenBy(r => r.Region, StringComparer.Ordinal).ToList();
        // Fewer than Quorum regions last from the moment the Quorum-th latest region's grant runs out.
        TimeSpan? endsAt = ends.Count >= settings.Quorum && settings.Quorum > 0 ? ends[settings.Quorum - 1].LastsUntil : null;
        return new LeaseState(endsAt, endsAt > now, ends.Where(r => r.LastsUntil > now).ToList());
    }
}
