using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Policy;

/// <param name="ConfirmAfter">Rule 3's Fall x Interval between the two rounds.</param>
/// <param name="RoundJitter">
/// How much earlier than <paramref name="ConfirmAfter"/> a round may be taken and still count: rounds ride a periodic
/// timer whose ticks land a few milliseconds early or late, and a round Fall ticks after another must not wait a
/// whole extra Interval for that.
/// </param>
public sealed record PolicySettings(string Mode, int Quorum, IReadOnlyList<string> SiteRegions, TimeSpan ConfirmAfter, TimeSpan RoundJitter = default);

/// <param name="Rounds">Retained poll rounds, oldest first; the last is the current one.</param>
/// <param name="Readiness">For every site region other than the active one.</param>
/// <param name="WallNow">Only for the stored cooldown (minutes long; skew between nodes does not matter there).</param>
public sealed record PolicyInput(FailoverState State, PolicySettings Settings, IReadOnlyList<PollRound> Rounds,
    IReadOnlyDictionary<string, RegionReadiness> Readiness, DateTimeOffset WallNow);

/// <summary>An automatic failover the policy decided on (or, in dry-run, would have).</summary>
public sealed record FailoverIntent(string From, string To, string Reason, IReadOnlyList<VoteRecord> Votes, bool DryRun);

/// <summary>The phase to show, why nothing happens (when blocked), and what to do, if anything.</summary>
public sealed record PolicyDecision(string Phase, IReadOnlyList<string> BlockedReasons, FailoverIntent? Act)
{
    public static PolicyDecision Idle(string phase) => new(phase, [], null);
}

/// <summary>
/// SPEC 6 rule 3, decided as a pure function: fail over from the active region A to B only when, in two
/// poll rounds at least Fall x Interval apart, Quorum regions vote A down and no reachable member of A
/// votes A up, Quorum regions vote B up, the coordinator reaches Up members of Quorum regions, and B's
/// standbys are ready; and only in automatic mode, not paused, not in cooldown. Every reason that holds
/// a failover back is reported, not just the first, so an operator sees the whole picture at once.
/// </summary>
public static class FailoverPolicy
{
    public static PolicyDecision Decide(PolicyInput input)
    {
        var state = input.State;
        var s = input.Settings;
        // A move in progress (a stored move is cleared when it ends) belongs to the plan runner; a new decision waits for it.
        if (state.Move is not null)
            return PolicyDecision.Idle(state.Phase);
        var resting = state.Phase is Phases.Completed ? Phases.Completed : Phases.Idle;
        if (input.Rounds.Count == 0) return PolicyDecision.Idle(resting);   // a new coordinator counts nothing before one round

        var active = state.ActiveRegion;
        var current = input.Rounds[^1];
        var activeDown = current.Voting(active, Verdicts.Down);
        if (activeDown.Count < s.Quorum) return PolicyDecision.Idle(resting);

        var reasons = Obstacles(active, current, s).ToList();
        var candidates = Candidates(active, current, s);
        if (candidates.Count == 0)
            reasons.Add($"no standby region is voted up by {s.Quorum} regions: " +
                        string.Join("; ", s.SiteRegions.Where(r => r != active).Select(r => $"{r} up from {Names(current.Voting(r, Verdicts.Up))}")));

        var eligible = candidates.Where(c => input.Readiness.TryGetValue(c, out var r) && r.Eligible).ToList();
        if (candidates.Count > 0 && eligible.Count == 0)
            foreach (var c in candidates)
                reasons.AddRange(input.Readiness.TryGetValue(c, out var r) ? r.AllReasons.Select(x => $"{c} is not eligible: {x}") : [$"{c}: readiness unknown"]);

        // The least data lost first, then the name, so the choice is stable.
        var to = eligible.OrderBy(c => input.Readiness[c].LagBytes ?? long.MaxValue).ThenBy(c => c, StringComparer.Ordinal).FirstOrDefault();

        if (to is not null && s.Mode == FailoverModes.Manual)
            reasons.Add($"mode is manual: the mesh would fail over {active} to {to}; an operator decides (POST /api/v1/failover/failover)");
        if (state.Paused) reasons.Add($"paused{(state.PauseReason is { Length: > 0 } why ? $": {why}" : "")}");
        if (state.CooldownUntil is { } until && input.WallNow < until)
            reasons.Add($"in cooldown until {until:yyyy-MM-ddTHH:mm:ssZ} after the last failover; going back is a planned switchover");

        if (reasons.Count > 0 || to is null) return new PolicyDecision(Phases.Blocked, reasons, null);
        if (!ConfirmedEarlier(input.Rounds, active, to, s)) return new PolicyDecision(Phases.Suspect, [], null);
        var dryRun = s.Mode == FailoverModes.DryRun;
        // A dry-run changes neither phase nor epoch: it only reports what it would have done.
        return new PolicyDecision(dryRun ? resting : Phases.Fencing, [], Intent(active, to, current, activeDown, dryRun));
    }

    /// <summary>What rules out a failover in this round, whatever the candidate: reachability and the active region's self-veto.</summary>
    private static IEnumerable<string> Obstacles(string active, PollRound round, PolicySettings s)
    {
        if (round.ReachableRegions.Count < s.Quorum)
            yield return $"the coordinator reaches Up members of only {round.ReachableRegions.Count} regions ({Names(round.ReachableRegions.Order(StringComparer.Ordinal).ToList())}); Quorum is {s.Quorum}";
        var veto = round.Answers.Where(a => a.Region == active && a.Verdicts.Any(v => v.Region == active && v.Verdict == Verdicts.Up))
            .Select(a => a.Node).Order(StringComparer.Ordinal).ToList();
        if (veto.Count > 0)
            yield return $"{active} reports itself healthy ({string.Join(", ", veto)} votes it up) while other regions vote it down: a network path problem, not a failed region";
    }

    private static IReadOnlyList<string> Candidates(string active, PollRound round, PolicySettings s) =>
        s.SiteRegions.Where(r => r != active && round.Voting(r, Verdicts.Up).Count >= s.Quorum).ToList();

    /// <summary>The same conditions held in a round at least ConfirmAfter before the current one (rule 3's two rounds).</summary>
    private static bool ConfirmedEarlier(IReadOnlyList<PollRound> rounds, string active, string to, PolicySettings s)
    {
        var current = rounds[^1];
        return rounds.Take(rounds.Count - 1).Any(r =>
            current.At - r.At >= s.ConfirmAfter - s.RoundJitter
            && r.Voting(active, Verdicts.Down).Count >= s.Quorum
            && r.Voting(to, Verdicts.Up).Count >= s.Quorum
            && !Obstacles(active, r, s).Any());
    }

    private static FailoverIntent Intent(string from, string to, PollRound round, IReadOnlyList<string> downVoters, bool dryRun)
    {
        var votes = round.Votes.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Where(kv => kv.Value.ContainsKey(from))
            .Select(kv => new VoteRecord(kv.Key, kv.Value[from].Verdict, round.TakenAt))
            .ToList();
        var why = string.Join("; ", round.Votes.Where(kv => downVoters.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value[from].Reasons)}"));
        return new FailoverIntent(from, to, $"{from} voted down by {Names(downVoters)} ({why})", votes, dryRun);
    }

    /// <summary>Regions in words for a reason: "ams3, sfo3", or "no region".</summary>
    internal static string Names(IReadOnlyList<string> regions) => regions.Count == 0 ? "no region" : string.Join(", ", regions);
}
