namespace Mesh.Actors.Fencing.Lease;

/// <summary>
/// What the coordinator knows of one Up member outside the old active region since the move was stored
/// (coordinator's monotonic clock).
/// </summary>
/// <param name="ConfirmedAt">When its <c>StoppedGranting</c> for the move's epoch or a later one reached the coordinator; null: not yet.</param>
/// <param name="RemovedAt">When the coordinator saw it removed from the cluster; null: still a member.</param>
public sealed record OutsideMember(string Node, string Region, TimeSpan? ConfirmedAt, TimeSpan? RemovedAt);

/// <summary>The coordinator's facts for evidence (c) on <paramref name="Region"/>.</summary>
/// <param name="StoredAt">When the majority write of the move succeeded.</param>
/// <param name="Members">Every member outside the region that was Up at any time since the move was stored.</param>
/// <param name="GuardedWhenLastHeard">A guard of the region held a lease and was fence-ready when the coordinator last heard from it.</param>
/// <param name="AdvisoryFence">Fencing.Postgres is read-only: clients can override the fence, so expiry proves nothing.</param>
public sealed record ExpiryFacts(string Region, TimeSpan StoredAt, IReadOnlyList<OutsideMember> Members, bool GuardedWhenLastHeard, bool AdvisoryFence);

/// <summary>Whether evidence (c) holds at the moment asked, why not, and from when it holds if nothing else changes.</summary>
/// <param name="ExpiredAt">When Duration + DriftMargin will have passed since the last confirmation or removal; null while a member has neither.</param>
public sealed record ExpiryVerdict(bool Met, TimeSpan? ExpiredAt, string Reason);

/// <summary>
/// Rule 5 (c), the coordinator's side: A's lease counts as expired once every Up member outside A confirmed
/// it stopped granting to A or was removed, and Duration + DriftMargin passed since the last of those.
/// Every grant a guard of A still counts was given before its grantor stopped, so it was requested (and is
/// counted by the guard) before that stop, which is before the confirmation reached the coordinator;
/// DriftMargin covers the two clocks' different rates over Duration. Without the grants of members outside
/// A, a guard has only its own region's, fewer than Quorum (validation keeps Quorum a majority, at least 2
/// with a witness).
/// </summary>
public static class LeaseExpiryEvidence
{
    public static ExpiryVerdict Evaluate(ExpiryFacts facts, TimeSpan now, LeaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(settings);
        if (facts.AdvisoryFence) return new ExpiryVerdict(false, null, "lease expiry is not proof with Fencing.Postgres read-only");

        var since = facts.StoredAt;
        var waiting = new List<string>();
        foreach (var m in facts.Members)
        {
            // Only what happened after the move was stored: an earlier stop may have been followed by a new grant.
            var at = Earliest(After(m.ConfirmedAt, facts.StoredAt), After(m.RemovedAt, facts.StoredAt));
            if (at is null) waiting.Add($"{m.Node} ({m.Region})");
            else if (at > since) since = at.Value;
        }
        if (waiting.Count > 0)
            return new ExpiryVerdict(false, null, $"{string.Join(", ", waiting)} did not confirm it stopped granting to {facts.Region} and was not removed");

        var expiredAt = since + settings.CountedFor;
        if (!facts.GuardedWhenLastHeard)
            return new ExpiryVerdict(false, expiredAt, $"{facts.Region} was not guarded when last heard from: no guard held a lease and was fence-ready, so nothing fences when it ends");
        return now >= expiredAt
            ? new ExpiryVerdict(true, expiredAt, $"every member outside {facts.Region} stopped granting or was removed, and Duration + DriftMargin ({GuardRule.Seconds(settings.CountedFor)}) passed since the last at {GuardRule.Seconds(since)}")
            : new ExpiryVerdict(false, expiredAt, $"{facts.Region}'s lease may last until {GuardRule.Seconds(expiredAt)}, Duration + DriftMargin after the last member stopped granting at {GuardRule.Seconds(since)}");
    }

    private static TimeSpan? After(TimeSpan? at, TimeSpan storedAt) => at >= storedAt ? at : null;

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;
}
