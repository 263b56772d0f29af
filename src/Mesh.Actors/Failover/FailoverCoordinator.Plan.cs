using Akka.Actor;
using Akka.Event;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>The plan of a move: one step at a time, each recorded, a failed step retried and never skipped (rule 6), and its end.</summary>
public sealed partial class FailoverCoordinator
{
    private void Start(FailoverState state, string kind, string from, string to, string reason, IReadOnlyList<VoteRecord> votes, bool acceptDataLoss, bool acceptSplitBrainRisk,
        IActorRef? requester = null)
    {
        var epoch = state.Epoch.Next(_incarnation);
        var move = new Move(kind, from, to, epoch, WallNow, reason, null, acceptDataLoss, acceptSplitBrainRisk, PlanSteps.Pending(PlanSteps.For(_settings.Options, from, to)));
        _log.Warning("Decided: {0} from {1} to {2}, epoch {3}: {4}", kind, from, to, epoch, reason);
        _attempts.Clear();
        Write(state with { Epoch = epoch, Phase = Phases.Fencing, Move = move, History = Append(state.History, Entry(epoch, kind, from, to, reason, null, votes, move.Steps)) },
            then: requester is null ? RunStep.Instance : new Reply(requester, new CommandAnswer(202, epoch.Counter, []), RunStep.Instance));
    }

    private void RunNextStep()
    {
        // One step at a time: a step or write in flight schedules what follows it when it lands.
        if (_busy || _state is not { Move: { } move } state) return;
        if (PlanSteps.Next(move) is not { } step)
        {
            Complete(state, move);
            return;
        }
        if (_executor is null) return;
        if (state.Paused && PlanSteps.Parse(step.Name).Kind == PlanSteps.Fence)
        {
            // Rule 13: a pause holds a move that has not fenced yet; one past its fence goes on.
            _phase = Phases.Blocked;
            _reasons = [$"paused ({state.PauseReason ?? "no reason given"}): the {move.Kind} from {move.From} to {move.To} waits before fencing {move.From}; resume to go on"];
            return;
        }
        _busy = true;
        _phase = PlanSteps.PhaseOf(move);
        if (move.Kind is DecisionKinds.Abort or DecisionKinds.Unfence) _reasons = [move.Reason];
        var startedAt = WallNow;
        var started = _clock.GetTimestamp();
        _executor.RunAsync(move, step.Name, CancellationToken.None).WaitAsync(_settings.StepTimeout)
            .PipeTo(Self,
                success: o => new StepDone(step.Name, o, startedAt, _clock.GetElapsedTime(started)),
                failure: e => new StepDone(step.Name, StepOutcome.Failed(e is TimeoutException ? $"did not finish within {_settings.StepTimeout.TotalSeconds:0} s" : e.GetBaseException().Message), startedAt, _clock.GetElapsedTime(started)));
    }

    private void OnStepDone(StepDone done)
    {
        var state = _state!;
        var move = state.Move!;
        var outcome = done.Outcome;
        string? fencedBy = move.FencedBy;
        TimeSpan? expiresIn = null;
        if (outcome.Ok && PlanSteps.Parse(done.Step).Kind == PlanSteps.Fence)
        {
            // The fence step did what it could; only evidence lets the plan past it (rule 5).
            (var facts, expiresIn) = WithLeaseExpiry(move, outcome.Fence ?? new FenceFacts(false, [], null, false, null, false));
            var verdict = FenceEvidencePolicy.Evaluate(move.From, facts, _settings.Fence, move.AcceptSplitBrainRisk);
            outcome = verdict.Proven ? outcome : StepOutcome.Failed(string.Join("; ", verdict.Missing));
            fencedBy = verdict.FencedBy ?? fencedBy;
        }
        var record = new StepRecord(done.Step, outcome.Ok ? StepStatuses.Ok : StepStatuses.Failed, done.StartedAt, (long)done.Duration.TotalMilliseconds, outcome.Error);
        var moved = PlanSteps.Record(move, record) with { FencedBy = fencedBy };
        var phase = PlanSteps.PhaseOf(moved);
        // From promoting on, the new region is the active one for every rule (rule 1).
        var active = phase is Phases.Promoting or Phases.SwitchingDns or Phases.Completed ? moved.To : state.ActiveRegion;
        // The last step done is not yet "completed": Complete() stores that, with cooldown and history, on the next run.
        var next = state with { Move = moved, Phase = phase == Phases.Completed ? Phases.SwitchingDns : phase, ActiveRegion = active };
        if (outcome.Ok)
        {
            if (PlanSteps.Parse(done.Step).Kind == PlanSteps.SwitchDns) CheckNameServers(move, done.Step);
            _attempts.Remove(done.Step);
            _reasons = [];
            Write(next, then: RunStep.Instance);
            return;
        }
        if (outcome.AbortsMove && !PlanSteps.PastPointOfNoReturn(moved))
        {
            Abort(state, moved, outcome.Error ?? done.Step);
            return;
        }
        var attempt = _attempts[done.Step] = _attempts.GetValueOrDefault(done.Step) + 1;
        _log.Warning("Step {0} failed (attempt {1}): {2}", done.Step, attempt, outcome.Error);
        _phase = Phases.Blocked;
        _reasons = [$"{done.Step}: {outcome.Error}"];
        var delay = TimeSpan.FromSeconds(Math.Min(_settings.MaxRetryDelay.TotalSeconds, Math.Pow(2, attempt - 1)));
        // A fence waiting only for the lease to run out is tried again the moment it has.
        if (expiresIn is { } wait && wait < delay) delay = wait + TimeSpan.FromMilliseconds(50);
        Write(next, then: new Delayed(RunStep.Instance, delay));
    }

    /// <summary>
    /// Gives up a move that has not reached a promotion (a switchover whose new region did not catch up): a recorded
    /// abort under a new epoch, whose one step lifts the fence of the region that stays active (rule 7). The old
    /// move's resources record an older epoch than the abort, so nothing of it can act after this.
    /// </summary>
    private void Abort(FailoverState state, Move move, string why)
    {
        var epoch = state.Epoch.Next(_incarnation);
        var reason = $"the {move.Kind} from {move.From} to {move.To} (epoch {move.Epoch.Counter}) is abandoned: {why}; {move.From} stays active and its fence is lifted";
        var unfence = new Move(DecisionKinds.Abort, move.From, move.From, epoch, WallNow, reason, null, false, false, PlanSteps.Pending(PlanSteps.ForUnfence(move.From)));
        var history = state.History.Select(h => h.Epoch == move.Epoch && h.Kind == move.Kind ? h with { Steps = move.Steps } : h).ToList();
        _log.Warning("Aborted: {0}", reason);
        _attempts.Clear();
        Write(state with
        {
            Epoch = epoch, Phase = PlanSteps.PhaseOf(unfence), Move = unfence, ActiveRegion = move.From,
            History = Append(history, Entry(epoch, DecisionKinds.Abort, move.From, move.To, reason, null, [], unfence.Steps)),
        }, then: RunStep.Instance);
    }

    /// <summary>
    /// Asks, in the background, when the authoritative name servers answer the switched record; the answer is added
    /// to the history once the plan is done (it never holds the plan up, and never races the plan's own writes).
    /// </summary>
    private void CheckNameServers(Move move, string step) =>
        _executor!.NameServersAnsweredAsync(move, step, CancellationToken.None)
            .PipeTo(Self, success: note => new NameServersAnswered(move.Epoch, step, note),
                failure: e => new NameServersAnswered(move.Epoch, step, $"the authoritative name servers could not be asked: {e.GetBaseException().Message}"));

    private void OnNameServersAnswered(NameServersAnswered answered)
    {
        if (answered.Note is null || _state is null) return;
        if (_busy || _state.Move is not null)
        {
            Timers.StartSingleTimer($"name-servers:{answered.Step}", answered, _settings.Interval);
            return;
        }
        var history = _state.History.Select(h => h.Epoch != answered.Epoch ? h
            : h with { Steps = h.Steps.Select(s => s.Name == answered.Step ? s with { Note = answered.Note } : s).ToList() }).ToList();
        Write(_state with { History = history });
    }

    private void Complete(FailoverState state, Move move)
    {
        var entries = state.History.Select(h => h.Epoch == move.Epoch && h.Kind == move.Kind ? h with { FencedBy = move.FencedBy, Steps = move.Steps } : h).ToList();
        var phase = move.Kind is DecisionKinds.Abort or DecisionKinds.Unfence ? Phases.Idle : Phases.Completed;
        Write(state with
        {
            ActiveRegion = move.To, Phase = phase, Move = null,
            CooldownUntil = move.Kind == DecisionKinds.Failover ? WallNow + _settings.Cooldown : state.CooldownUntil,
            History = entries,
        }, then: new Finished(move, phase));
    }

    private void OnFinished(Finished finished)
    {
        var move = finished.Move;
        _log.Warning("Completed: {0} from {1} to {2}, epoch {3}", move.Kind, move.From, move.To, move.Epoch);
        _phase = finished.Phase;
        _reasons = [];
    }
}
