using Akka.Actor;
using Akka.Event;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>The operator's commands and moves (SPEC section 4): pause, resume, failover, switchover and adopt.</summary>
public sealed partial class FailoverCoordinator
{
    /// <summary>
    /// Applies an operator's pause or resume to the stored state and answers once a majority stored it. Accepted
    /// during a move too (rule 13): while a step or a write is in flight the change waits, and is stored on top of
    /// that write's state as soon as it lands. A resume lets a plan held before its fence go on.
    /// </summary>
    private void Command(Func<FailoverState, FailoverState> change, string what)
    {
        if (_store is not null && _state is null && _disagreements.Count > 0 && !_busy)
        {
            // A mesh blocked by rule 11 can still be paused (so that it does not act the moment the resources agree).
            _log.Warning("Operator: failover {0} (while the stored state and the resources disagree)", what);
            Write(change(_unreconciled ?? FailoverState.Initial(_settings.Options.InitialActiveRegion ?? "")), then: new StillUnreconciled(new Reply(Sender, Ok, null)));
            return;
        }
        if (_store is null || _state is null)
        {
            Sender.Tell(new CommandAnswer(503, null, [_store is null ? NoStore : Reading]));
            return;
        }
        _log.Warning("Operator: failover {0}", what);
        if (_busy)
        {
            _queued.Add((change, Sender));
            return;
        }
        Write(change(_state), then: new Reply(Sender, Ok, _state.Move is null ? null : RunStep.Instance));
    }

    private static readonly CommandAnswer Ok = new(200, null, []);
    private const string Reading = "the coordinator is reading or storing the failover state; try again in a moment";

    private void OnRequestFailover(RequestFailover r)
    {
        if (Checked(r.To, c => OperatorRequests.CheckFailover(c, new FailoverRequest(r.To, r.AcceptDataLoss, r.AcceptSplitBrainRisk))) is not { } state) return;
        var reason = $"operator failover to {r.To}" + (r.AcceptDataLoss ? ", accepting data loss" : "") + (r.AcceptSplitBrainRisk ? ", accepting the split-brain risk" : "");
        Start(state, DecisionKinds.Failover, state.ActiveRegion, r.To, reason, [], r.AcceptDataLoss, r.AcceptSplitBrainRisk, Sender);
    }

    /// <summary>
    /// A planned switchover (rule 7): the same plan as a failover, whose fence step also waits until the new region
    /// has replayed everything the old one committed; it never loses data and never needs to waive fence evidence.
    /// </summary>
    private void OnRequestSwitchover(RequestSwitchover r)
    {
        if (Checked(r.To, c => OperatorRequests.CheckSwitchover(c, new SwitchoverRequest(r.To, r.Force))) is not { } state) return;
        var reason = $"operator switchover to {r.To}" + (r.Force ? ", forced past the lag guard and cooldown" : "");
        Start(state, DecisionKinds.Switchover, state.ActiveRegion, r.To, reason, [], acceptDataLoss: false, acceptSplitBrainRisk: false, Sender);
    }

    /// <summary>The stored state when an operator's move to <paramref name="to"/> may start now; otherwise answers the refusal and returns null.</summary>
    private FailoverState? Checked(string to, Func<RequestContext, RequestVerdict> check)
    {
        if (Unavailable() is { } refusal)
        {
            Sender.Tell(refusal);
            return null;
        }
        var state = _state!;
        var verdict = check(new RequestContext(state, _settings.Policy.SiteRegions, _settings.Policy.Quorum, _rounds.Rounds.LastOrDefault(),
            _readiness.FirstOrDefault(x => x.Region == to), WallNow));
        if (verdict.Accepted) return state;
        Sender.Tell(new CommandAnswer(verdict.Status, null, verdict.Reasons));
        return null;
    }

    private CommandAnswer? Unavailable() =>
        _store is null ? new CommandAnswer(503, null, [NoStore])
        : _state?.Move is { } move ? new CommandAnswer(409, null, [OperatorRequests.InProgress(move, _state.Phase)])
        : _disagreements.Count > 0 ? new CommandAnswer(409, null, [.. _disagreements, "adopt the active region first (POST /api/v1/failover/adopt)"])
        : _state is null || _busy ? new CommandAnswer(503, null, [Reading])
        : null;

    /// <summary>
    /// The operator names the active region (rule 11's way out of a disagreement, or after repairs by hand): a recorded
    /// decision under an epoch above every epoch the mesh, the resources and the operator have seen.
    /// </summary>
    private void OnRequestAdopt(RequestAdopt r)
    {
        // Bad input is refused for what it is, whatever the coordinator is doing.
        if (!_settings.Policy.SiteRegions.Contains(r.ActiveRegion, StringComparer.Ordinal))
        {
            Sender.Tell(new CommandAnswer(400, null, [$"'{r.ActiveRegion}' is not a site region (site regions: {string.Join(", ", _settings.Policy.SiteRegions)})"]));
            return;
        }
        if (_store is null || _busy)
        {
            Sender.Tell(new CommandAnswer(503, null, [_store is null ? NoStore : Reading]));
            return;
        }
        if (_state?.Move is { } move)
        {
            Sender.Tell(new CommandAnswer(409, null, [OperatorRequests.InProgress(move, _state.Phase)]));
            return;
        }
        var current = _state ?? _unreconciled ?? FailoverState.Initial(_settings.Options.InitialActiveRegion ?? r.ActiveRegion);
        var seen = new[] { current.Epoch.Counter, _findings?.NewestEpoch?.Counter ?? 0, r.Epoch }.Max();
        var epoch = new Epoch(seen, "").Next(_incarnation);
        var reason = $"operator adopted {r.ActiveRegion} as the active region (they last saw epoch {r.Epoch})" +
                     (_disagreements.Count > 0 ? $" over: {string.Join("; ", _disagreements)}" : "");
        _log.Warning("Operator: {0}", reason);
        Write(current with
        {
            ActiveRegion = r.ActiveRegion, Epoch = epoch, Phase = Phases.Idle, Move = null,
            History = Append(current.History, Entry(epoch, DecisionKinds.Adopt, current.ActiveRegion, r.ActiveRegion, reason, null, [], [])),
        }, then: new Settled(new Reply(Sender, new CommandAnswer(200, epoch.Counter, []), null)));
    }
}
