using Akka.Actor;
using Akka.Event;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>Loading the stored state and reconciling it with the resources (SPEC 6 rule 11) before anything is decided or resumed.</summary>
public sealed partial class FailoverCoordinator
{
    private void Load()
    {
        _busy = true;
        _store!.ReadAsync(CancellationToken.None).WaitAsync(_settings.StoreTimeout)
            .PipeTo(Self, success: s => new Loaded(s, null), failure: e => new Loaded(null, e is TimeoutException ? "no majority answered in time" : e.GetBaseException().Message));
    }

    private void OnLoaded(Loaded loaded)
    {
        _busy = false;
        if (loaded.Error is not null)
        {
            // Nothing is decided on a guess: the next tick reads again.
            _log.Warning("Reading the failover state failed ({0}); retrying", loaded.Error);
            _reasons = [$"the stored failover state could not be read: {loaded.Error}"];
            return;
        }
        if (_survey is null)
        {
            Accept(loaded.State ?? FailoverState.Initial(_settings.Options.InitialActiveRegion!));
            return;
        }
        // Rule 11: nothing is decided or resumed before the stored state is compared with the resources.
        _busy = true;
        _survey.TakeAsync(CancellationToken.None).WaitAsync(_settings.StepTimeout)
            .PipeTo(Self, success: f => new Surveyed(loaded.State, f, null), failure: e => new Surveyed(loaded.State, null, e.GetBaseException().Message));
    }

    private void OnSurveyed(Surveyed s)
    {
        _busy = false;
        _unreconciled = s.Stored;
        if (s.Findings is null)
        {
            _phase = Phases.Blocked;
            _reasons = [$"the resources could not be surveyed before deciding anything: {s.Error}"];
            Timers.StartSingleTimer(ResurveyKey, Resurvey.Instance, ResurveyAfter);
            return;
        }
        _findings = s.Findings;
        var verdict = Reconciliation.Check(s.Stored, s.Findings, _settings.Options.InitialActiveRegion, WallNow, _settings.Cooldown);
        if (!verdict.Agrees)
        {
            if (_disagreements.Count == 0) _log.Error("The stored failover state and the resources disagree; waiting for POST /api/v1/failover/adopt: {0}", string.Join(" | ", verdict.Disagreements));
            _disagreements = verdict.Disagreements;
            _phase = Phases.Blocked;
            _reasons = [.. verdict.Disagreements, "the mesh acts again after POST /api/v1/failover/adopt names the active region (or once the resources agree)"];
            Timers.StartSingleTimer(ResurveyKey, Resurvey.Instance, ResurveyAfter);
            return;
        }
        _disagreements = [];
        _unreconciled = null;
        if (verdict.AbandonedMove is { } abandoned && s.Stored is { } stored)
        {
            var epoch = stored.Epoch.Next(_incarnation);
            _log.Warning("Abandoning a stale move: {0}", abandoned);
            _state = verdict.State;
            Write(verdict.State! with
            {
                Epoch = epoch,
                History = Append(verdict.State!.History, Entry(epoch, DecisionKinds.Abort, stored.Move?.From, stored.Move?.To, abandoned, null, [], [])),
            });
            return;
        }
        Accept(verdict.State!);
        // A first start the resources agree with is stored at once: every node's lease grantor grants from its copy of
        // the stored state, and without one the active region's guards would never be granted a lease.
        if (s.Stored is null) Write(verdict.State!);
    }

    /// <summary>While disagreeing, the resources are surveyed again now and then: an operator may repair them by hand.</summary>
    private TimeSpan ResurveyAfter => _settings.Interval * 10;

    /// <summary>The reconciled state: from here on the coordinator decides, and resumes an unfinished plan.</summary>
    private void Accept(FailoverState state)
    {
        _state = state;
        WatchLease(state);
        _reasons = [];
        if (_state.Move is { } move)
        {
            // Resuming another coordinator's plan: until a promotion may have begun, the fence is proven again.
            if (!PlanSteps.PastPointOfNoReturn(move))
                _state = _state with { Move = move with { Steps = move.Steps.Select(s => s.Name.StartsWith(PlanSteps.Fence + ":", StringComparison.Ordinal) ? s with { Status = StepStatuses.Pending } : s).ToList() } };
            _log.Info("Resuming the {0} from {1} to {2} (epoch {3}) at {4}", move.Kind, move.From, move.To, move.Epoch, PlanSteps.Next(_state.Move!)?.Name ?? "its end");
            RunNextStep();
        }
    }
}
