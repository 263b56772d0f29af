using Akka.Event;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Fencing;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Failover;

/// <summary>
/// The coordinator's side of the write lease (SPEC 6 rules 4 and 5): the guards' reports (<c>guarded</c>,
/// <c>leaseHolders</c>), evidence (c) for the fence step, and the unfence of an active region that fenced itself.
/// </summary>
public sealed partial class FailoverCoordinator
{
    private GuardBoard? _guardBoard;
    private LeaseWatch? _leaseWatch;
    private TimeSpan? _selfFenceSeenAt;
    private readonly Dictionary<string, (string? Role, TimeSpan At)> _roles = new(StringComparer.Ordinal);

    private GuardBoard Guards => _guardBoard ??= new GuardBoard(_settings.Lease.RenewInterval * 3);

    private void OnGuardReport(GuardReport report) => Guards.Record(report, Now);

    private void OnStoppedGranting(StoppedGranting stop) => _leaseWatch?.Stopped(stop, Now);

    private void ObserveRole(TargetObserved o)
    {
        if (o.Facts.Role is not null) _roles[o.TargetId] = (o.Facts.Role, Now);
    }

    /// <summary>
    /// Starts watching for evidence (c) once a move away from a region is stored (or found stored by this incarnation,
    /// which counts from then: grantors repeat their confirmations while the move is in progress).
    /// </summary>
    private void WatchLease(FailoverState state)
    {
        if (state.Move is not { } move || move.From == move.To)
        {
            _leaseWatch = null;
            return;
        }
        if (_leaseWatch?.Epoch == move.Epoch) return;
        _leaseWatch = new LeaseWatch(move.From, move.Epoch, Now);
        _leaseWatch.Members(_directory.Members(), Now);
    }

    private void WatchMembers() => _leaseWatch?.Members(_directory.Members(), Now);

    /// <summary>The fence step's facts with evidence (c) as it stands now, and when it will hold if nothing changes.</summary>
    private (FenceFacts Facts, TimeSpan? ExpiresIn) WithLeaseExpiry(Move move, FenceFacts facts)
    {
        if (_leaseWatch is not { } watch || watch.Epoch != move.Epoch) return (facts with { LeaseWhyNot = "this coordinator is not watching the move's lease" }, null);
        WatchMembers();
        var verdict = watch.Evaluate(Guards.GuardedWhenLastHeard(move.From), _settings.Options.Failover.Fencing.Postgres == PostgresFencing.ReadOnly, Now, _settings.Lease);
        var expiresIn = verdict.ExpiredAt is { } at && at > Now ? at - Now : (TimeSpan?)null;
        return (facts with { LeaseExpired = verdict.Met, LeaseWhyNot = verdict.Met ? null : verdict.Reason }, expiresIn);
    }

    /// <summary>
    /// The epoch of the last decision that opened <paramref name="region"/>'s primaries: an unfence or abort that lifted
    /// its fence, or a move that promoted into it. A guard's fence from before it was lifted since.
    /// </summary>
    private static Epoch LastOpened(FailoverState state, string region) =>
        state.History.LastOrDefault(h =>
            (h.Kind is DecisionKinds.Unfence or DecisionKinds.Abort && h.From == region)
            || (h.Kind is DecisionKinds.Failover or DecisionKinds.Switchover && h.To == region))?.Epoch ?? Epoch.Zero;

    /// <summary>
    /// Rule 5's unfence: while the active region is fenced by its own guards, lifting is tried before any failover,
    /// for Grace + Rise x Interval. Returns true when it decided (an unfence was started) or holds a failover back.
    /// </summary>
    private bool TryUnfence(FailoverState state, PolicyDecision decision)
    {
        var region = state.ActiveRegion;
        if (Guards.SelfFenced(region, LastOpened(state, region)) is null)
        {
            _selfFenceSeenAt = null;
            return false;
        }
        _selfFenceSeenAt ??= Now;
        var round = _rounds.Rounds.LastOrDefault();
        var since = state.History.LastOrDefault(h => h.Kind == DecisionKinds.Adopt)?.At ?? DateTimeOffset.MinValue;
        var input = new UnfenceInput(region, state.Move is not null, state.Paused,
            round?.Voting(region, Verdicts.Up) ?? [], _settings.Policy.Quorum, NotInRecovery(state, region), Guards.Holders(region, Now),
            state.History.Count(h => h.Kind == DecisionKinds.Unfence && h.From == region && h.At >= WallNow - _settings.Cooldown && h.At > since));
        var verdict = UnfencePolicy.Decide(input, state.Epoch);
        if (verdict.Lift)
        {
            StartUnfence(state, verdict.Reasons[0]);
            return true;
        }
        var window = _settings.Options.Probes.Grace + _settings.Interval * _settings.Options.Probes.Rise;
        if (decision.Act is not null && Now - _selfFenceSeenAt < window)
        {
            _phase = Phases.Blocked;
            _reasons = [.. verdict.Reasons, $"{region} fenced itself {RegionVote.Seconds(Now - _selfFenceSeenAt.Value)} ago: lifting is tried for Grace + Rise x Interval ({RegionVote.Seconds(window)}) before a failover"];
            return true;
        }
        if (decision.Act is null)
        {
            _phase = Phases.Blocked;
            _reasons = [.. decision.BlockedReasons, .. verdict.Reasons];
            return true;
        }
        return false;
    }

    /// <summary>
    /// Every site PostgreSQL server outside <paramref name="region"/> that a probe did not recently read in recovery,
    /// except one that no probe reads at all while its region was fenced by the move away from it, with evidence, and not
    /// opened since: a server that cannot be reached cannot be read in recovery, and waiting for it would keep the active
    /// region fenced for as long as the old one is down (after a failover, the very case). One read as a primary still
    /// counts: that is a second writer (rule 5's stray-primary fence deals with it first).
    /// </summary>
    private List<string> NotInRecovery(FailoverState state, string region) =>
        _settings.Options.Targets
            .Where(t => t.Kind == TargetKinds.Postgres && t.Group is not null && t.Region != region)
            .Where(t => RecentRole(t.Id!) is { } role ? role != ServerRoles.Standby : !FencedAway(state, t.Region!))
            .Select(t => _roles.TryGetValue(t.Id!, out var seen) ? $"{t.Id} read as {seen.Role ?? "unknown"} {RegionVote.Seconds(Now - seen.At)} ago" : $"{t.Id} not read yet")
            .ToList();

    /// <summary>The role a probe read of <paramref name="targetId"/> within ObservationMaxAge, or null when none did.</summary>
    private string? RecentRole(string targetId) =>
        _roles.TryGetValue(targetId, out var seen) && Now - seen.At <= _settings.ObservationMaxAge ? seen.Role : null;

    /// <summary>Whether the last move away from <paramref name="region"/> fenced it with evidence, and no decision opened it since.</summary>
    private static bool FencedAway(FailoverState state, string region) =>
        state.History.LastOrDefault(h => h.Kind is DecisionKinds.Failover or DecisionKinds.Switchover && h.From == region) is { FencedBy: not null } away
        && away.Epoch > LastOpened(state, region);

    /// <summary>A recorded unfence decision under a new epoch; its one step lifts the region's fence (retried until it succeeds).</summary>
    private void StartUnfence(FailoverState state, string reason)
    {
        var region = state.ActiveRegion;
        var epoch = state.Epoch.Next(_incarnation);
        var move = new Move(DecisionKinds.Unfence, region, region, epoch, WallNow, reason, null, false, false, PlanSteps.Pending(PlanSteps.ForUnfence(region)));
        _log.Warning("Decided: unfence {0}, epoch {1}: {2}", region, epoch, reason);
        _attempts.Clear();
        _selfFenceSeenAt = null;
        Write(state with
        {
            Epoch = epoch, Phase = PlanSteps.PhaseOf(move), Move = move,
            History = Append(state.History, Entry(epoch, DecisionKinds.Unfence, region, region, reason, null, [], move.Steps)),
        }, then: RunStep.Instance);
    }
}
