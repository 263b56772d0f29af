using System.Globalization;

namespace Mesh.Actors.Failover.Policy;

/// <summary>
/// What the mesh knows of one replication group's member in a candidate region, taken from one consistent
/// observation (the active primary's write position and this member's received position from the same
/// probe cycle). Built from observations elsewhere; judged here.
/// </summary>
/// <param name="Kind"><c>postgres</c> or <c>redis</c>.</param>
/// <param name="InRecovery">PostgreSQL: in recovery; Redis: a replica.</param>
/// <param name="FollowsActive">Streaming from the active region's primary (PostgreSQL: on its timeline; Redis: master link up to it).</param>
/// <param name="LagBytes">The active primary's write position minus this member's received position (Redis: offsets).</param>
/// <param name="ObservedBeforeActiveLastSeen">How long before the active primary was last seen this observation was taken.</param>
public sealed record StandbyEvidence(string Group, string Kind, string TargetId, bool InRecovery, bool FollowsActive, long? LagBytes,
    TimeSpan ObservedBeforeActiveLastSeen, string? Problem = null);

/// <summary>
/// Whether a failover to a region would be allowed now as far as its standbys go, and how much it would lose
/// (SPEC 4 readiness). Lag reasons are kept apart: an operator may waive them (acceptDataLoss, force), never the others.
/// </summary>
public sealed record RegionReadiness(string Region, long? LagBytes, IReadOnlyList<string> Reasons, IReadOnlyList<string> LagReasons)
{
    public bool Eligible => Reasons.Count == 0 && LagReasons.Count == 0;
    public bool EligibleIgnoringLag => Reasons.Count == 0;
    public IEnumerable<string> AllReasons => Reasons.Concat(LagReasons);
}

/// <summary>
/// Rule 3's standby clause, all-or-nothing across groups: every PostgreSQL and Redis group must have a
/// member in the candidate region that is a standby following the active primary, with a lag within
/// MaxLagBytes measured in one observation no older than ObservationMaxAge before the active region was
/// last seen. One ineligible group makes the region ineligible: a failover never leaves a group behind.
/// </summary>
public static class Readiness
{
    public static RegionReadiness Evaluate(string region, IReadOnlyList<string> groups, IReadOnlyList<StandbyEvidence> members,
        long maxLagBytes, TimeSpan observationMaxAge)
    {
        var reasons = new List<string>();
        var lagReasons = new List<string>();
        long? worst = null;
        foreach (var group in groups.OrderBy(g => g, StringComparer.Ordinal))
        {
            var inGroup = members.Where(m => m.Group == group).ToList();
            if (inGroup.Count == 0)
            {
                reasons.Add($"group {group} has no member in {region}");
                continue;
            }
            foreach (var m in inGroup)
            {
                if (m.Problem is not null) reasons.Add($"{m.TargetId}: {m.Problem}");
                else if (!m.InRecovery) reasons.Add($"{m.TargetId} is not a standby");
                else if (!m.FollowsActive) reasons.Add($"{m.TargetId} is not streaming from the active primary");
                else if (m.LagBytes is not { } lag) reasons.Add($"{m.TargetId}: lag unknown (no consistent observation of it and the active primary)");
                else if (m.ObservedBeforeActiveLastSeen > observationMaxAge)
                    reasons.Add($"{m.TargetId}: its lag was last measured {RegionVote.Seconds(m.ObservedBeforeActiveLastSeen)} before the active primary was last seen, more than ObservationMaxAge {RegionVote.Seconds(observationMaxAge)}");
                else
                {
                    worst = Math.Max(worst ?? 0, lag);
                    if (lag > maxLagBytes)
                        lagReasons.Add($"{m.TargetId} lags {Bytes(lag)} behind the active primary, more than MaxLagBytes {Bytes(maxLagBytes)}");
                }
            }
        }
        return new RegionReadiness(region, worst, reasons, lagReasons);
    }

    private static string Bytes(long b) => b.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
