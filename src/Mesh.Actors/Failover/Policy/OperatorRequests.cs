using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Policy;

public sealed record SwitchoverRequest(string To, bool Force);

public sealed record FailoverRequest(string To, bool AcceptDataLoss, bool AcceptSplitBrainRisk);

/// <summary>An operator request's fate: 202 with nothing in the way, else 400 or 409 with every reason.</summary>
public sealed record RequestVerdict(int Status, IReadOnlyList<string> Reasons)
{
    public bool Accepted => Status == 202;
}

/// <param name="Readiness">Of the requested region, evaluated without waiving anything.</param>
/// <param name="Current">The coordinator's latest poll round, null before its first.</param>
public sealed record RequestContext(FailoverState State, IReadOnlyList<string> SiteRegions, int Quorum, PollRound? Current,
    RegionReadiness? Readiness, DateTimeOffset WallNow);

/// <summary>
/// The operator's moves (SPEC 4 and 6 rules 7, 13). A switchover is planned and lossless: it needs a
/// healthy, following target; <c>force</c> waives only the lag guard and the cooldown. A failover is for
/// a region that is down: the lag guard is waived only with <c>acceptDataLoss</c>; missing fence
/// evidence is the plan's to judge (with <c>acceptSplitBrainRisk</c>). One move at a time.
/// </summary>
public static class OperatorRequests
{
    public static RequestVerdict CheckSwitchover(RequestContext c, SwitchoverRequest r)
    {
        if (Invalid(c, r.To) is { } bad) return bad;
        var reasons = Common(c, r.To);
        if (c.Current is { } round && round.Voting(r.To, Verdicts.Up).Count < c.Quorum)
            reasons.Add($"{r.To} is voted up by {FailoverPolicy.Names(round.Voting(r.To, Verdicts.Up))}, fewer than Quorum {c.Quorum}");
        reasons.AddRange(ReadinessReasons(c, r.To, waiveLag: r.Force));
        if (!r.Force && c.State.CooldownUntil is { } until && c.WallNow < until)
            reasons.Add($"in cooldown until {until:yyyy-MM-ddTHH:mm:ssZ} (force waives it)");
        return Verdict(reasons);
    }

    public static RequestVerdict CheckFailover(RequestContext c, FailoverRequest r)
    {
        if (Invalid(c, r.To) is { } bad) return bad;
        var reasons = Common(c, r.To);
        var active = c.State.ActiveRegion;
        if (c.Current is { } round)
        {
            if (round.Voting(active, Verdicts.Up).Count >= c.Quorum)
                reasons.Add($"{active} is voted up by {FailoverPolicy.Names(round.Voting(active, Verdicts.Up))}: use a switchover, which loses nothing");
            // An operator may fail over without a quorum (two regions, one lost), but never into a region seen down.
            if (round.Voting(r.To, Verdicts.Down) is { Count: > 0 } down)
                reasons.Add($"{r.To} is voted down by {FailoverPolicy.Names(down)}");
            else if (round.Voting(r.To, Verdicts.Up).Count == 0)
                reasons.Add($"no region votes {r.To} up");
        }
        else reasons.Add("the coordinator has no poll round yet; try again in a moment");
        reasons.AddRange(ReadinessReasons(c, r.To, waiveLag: r.AcceptDataLoss));
        return Verdict(reasons);
    }

    /// <summary>400 for a region that is not a site region; 409 for the active region itself, with nothing else to say.</summary>
    private static RequestVerdict? Invalid(RequestContext c, string to) =>
        !c.SiteRegions.Contains(to, StringComparer.Ordinal) ? new RequestVerdict(400, [$"'{to}' is not a site region (site regions: {string.Join(", ", c.SiteRegions)})"])
        : to == c.State.ActiveRegion ? Verdict([.. c.State.Move is { } move ? [InProgress(move, c.State.Phase)] : Array.Empty<string>(), $"{to} is already the active region"])
        : null;

    private static List<string> Common(RequestContext c, string to)
    {
        var reasons = new List<string>();
        if (c.State.Move is { } move) reasons.Add(InProgress(move, c.State.Phase));
        return reasons;
    }

    /// <summary>Why a second move gets 409 while one runs (rule 7).</summary>
    public static string InProgress(Move move, string phase) => move.Kind == DecisionKinds.Abort
        ? $"the abort of a move from {move.From} is lifting the fence of {move.From} (epoch {move.Epoch.Counter})"
        : $"a {move.Kind} from {move.From} to {move.To} is in progress (epoch {move.Epoch.Counter}, phase {phase})";

    private static IEnumerable<string> ReadinessReasons(RequestContext c, string to, bool waiveLag)
    {
        if (c.Readiness is null) return [$"{to}: readiness unknown"];
        return (waiveLag ? c.Readiness.Reasons : c.Readiness.AllReasons).Select(reason => $"{to} is not eligible: {reason}");
    }

    private static RequestVerdict Verdict(List<string> reasons) => new(reasons.Count == 0 ? 202 : 409, reasons);
}
