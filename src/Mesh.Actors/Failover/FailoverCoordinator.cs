using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Actors.Failover.Replication;
using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Probes;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Messages;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Failover;

/// <summary>
/// The cluster singleton that decides and runs failovers (SPEC 6 rules 1, 2, 3, 6). Every Interval it closes
/// a poll round and polls every reachable Up member's voter; it decides with the pure <see cref="FailoverPolicy"/>;
/// a decision takes effect only once its majority write succeeded (a write that failed is superseded by an abort
/// record); the plan's steps run one at a time, each recorded, a failed step retried and never skipped. A new
/// coordinator reads the stored state first and resumes an unfinished plan, re-running the fence unless a
/// promotion may have begun. Without a store it never acts.
/// </summary>
public sealed class FailoverCoordinator : ReceiveActor, IWithTimers
{
    public const string Name = "failover-coordinator";
    private const string TickKey = "tick";

    private readonly CoordinatorSettings _settings;
    private readonly IFailoverStore? _store;
    private readonly IPlanExecutor? _executor;
    private readonly IMeshDirectory _directory;
    private readonly IResourceSurvey? _survey;
    private readonly TimeProvider _clock;
    private readonly string _incarnation;
    private readonly CoordinatorStatus _whereabouts;
    private readonly RoundKeeper _rounds;
    private readonly ReplicationTracker _replication;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly long _started;

    private FailoverState? _state;

    // Rule 11: until the stored state (or InitialActiveRegion) agrees with the resources, _state stays null, what was
    // loaded is kept here for the status, and only an adopt moves on.
    private FailoverState? _unreconciled;
    private IReadOnlyList<string> _disagreements = [];
    private ResourceFindings? _findings;
    private const string ResurveyKey = "resurvey";
    private bool _busy;
    private string _phase = Phases.Idle;
    private IReadOnlyList<string> _reasons = [];
    private IReadOnlyList<RegionReadiness> _readiness = [];
    private string? _lastDryRun;
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly List<(Func<FailoverState, FailoverState> Change, IActorRef ReplyTo)> _queued = [];
    private const string RetryKey = "retry";

    public ITimerScheduler Timers { get; set; } = null!;

    public FailoverCoordinator(CoordinatorSettings settings, IFailoverStore? store, IPlanExecutor? executor, IMeshDirectory directory,
        IActorRef? mediator, CoordinatorStatus? whereabouts, TimeProvider clock, IResourceSurvey? survey)
    {
        _survey = survey;
        whereabouts ??= Whereabouts(Context.System, clock);
        _settings = settings;
        _store = store;
        _executor = executor;
        _directory = directory;
        _clock = clock;
        _whereabouts = whereabouts;
        _incarnation = $"{whereabouts.Node ?? "node"}-{Guid.NewGuid().ToString("N")[..8]}";
        _rounds = new RoundKeeper(settings.ObservationMaxAge, settings.RoundRetention);
        _replication = new ReplicationTracker(settings.Options.Targets, settings.Interval);
        _started = clock.GetTimestamp();

        Receive<GetCoordinatorStatus>(_ => Sender.Tell(_whereabouts));
        Receive<GetFailoverStatus>(_ => Sender.Tell(Status()));
        Receive<GetFailoverHistory>(_ => Sender.Tell(new FailoverHistory((_state?.History ?? []).Reverse().ToList())));
        Receive<GetRegions>(_ => Sender.Tell(Regions()));
        Receive<TargetObserved>(o => _replication.Observe(o, Now));
        Receive<SubscribeAck>(_ => { });
        Receive<VotesAnswer>(OnVotes);
        Receive<Tick>(_ => OnTick());
        Receive<Loaded>(OnLoaded);
        Receive<Surveyed>(OnSurveyed);
        Receive<Resurvey>(_ =>
        {
            if (_state is null && !_busy) Load();
        });
        Receive<RequestAdopt>(OnRequestAdopt);
        Receive<Written>(OnWritten);
        Receive<WriteFailed>(OnWriteFailed);
        Receive<StaleWrite>(OnStaleWrite);
        Receive<StepDone>(OnStepDone);
        Receive<RunStep>(_ => RunNextStep());
        Receive<NameServersAnswered>(OnNameServersAnswered);
        Receive<Rewrite>(r => Write(r.State, r.Then));
        Receive<PauseFailover>(p => Command(state => state with { Paused = true, PauseReason = p.Reason }, "paused"));
        Receive<ResumeFailover>(_ => Command(state => state with { Paused = false, PauseReason = null }, "resumed"));
        Receive<RequestFailover>(OnRequestFailover);
        Receive<RequestSwitchover>(OnRequestSwitchover);
        mediator?.Tell(new Subscribe(ObservationStore.Topic, Self));
    }

    public static Props Props(CoordinatorSettings settings, IFailoverStore? store, IPlanExecutor? executor, IMeshDirectory directory,
        IActorRef? mediator, CoordinatorStatus? whereabouts = null, TimeProvider? clock = null, IResourceSurvey? survey = null) =>
        Akka.Actor.Props.Create(() => new FailoverCoordinator(settings, store, executor, directory, mediator, whereabouts, clock ?? TimeProvider.System, survey));

    private TimeSpan Now => _clock.GetElapsedTime(_started);

    /// <summary>Where this incarnation runs, for <c>/api/v1/cluster</c>'s coordinator field.</summary>
    private static CoordinatorStatus Whereabouts(ActorSystem system, TimeProvider clock)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        var self = cluster.SelfMember;
        return new CoordinatorStatus(cluster.SelfAddress.ToString(), Hosting.ClusterRoles.NodeOf(self), Hosting.ClusterRoles.RegionOf(self), clock.GetUtcNow());
    }
    private DateTimeOffset WallNow => _clock.GetUtcNow();

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer(TickKey, Tick.Instance, _settings.Interval);
        if (_store is null)
        {
            _reasons = [NoStore];
            _phase = Phases.Blocked;
            return;
        }
        Load();
    }

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
    }

    /// <summary>While disagreeing, the resources are surveyed again now and then: an operator may repair them by hand.</summary>
    private TimeSpan ResurveyAfter => _settings.Interval * 10;

    /// <summary>The reconciled state: from here on the coordinator decides, and resumes an unfinished plan.</summary>
    private void Accept(FailoverState state)
    {
        _state = state;
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

    private void OnTick()
    {
        // A failed read is retried here too; a disagreement waits for its own, slower, survey.
        if (_state is null && _store is not null && !_busy && !Timers.IsTimerActive(ResurveyKey)) Load();
        var reachable = _directory.Reachable();
        // A round some member did not answer closes when the next poll is due; one all answered closed already.
        if (_rounds.Open) _rounds.Close(Now, WallNow, reachable);
        var poll = new PollVotes(_rounds.Issue(Now, reachable), _incarnation);
        foreach (var member in reachable) _directory.Poll(member, poll, Self);
        AfterRound();
    }

    private void OnVotes(VotesAnswer answer)
    {
        if (!_rounds.Accept(answer, Now) || !_rounds.AllAnswered) return;
        _rounds.Close(Now, WallNow, _directory.Reachable());
        AfterRound();
    }

    /// <summary>What a new round may change: the view without a store, a held plan, or a decision.</summary>
    private void AfterRound()
    {
        if (_store is null)
        {
            // What it would decide is shown; nothing is ever done without a durable, majority store.
            var view = Evaluate(FailoverState.Initial(_settings.Options.InitialActiveRegion ?? ""));
            _phase = Phases.Blocked;
            _reasons = [NoStore, .. view.BlockedReasons];
            return;
        }
        if (_state is null && _disagreements.Count > 0)
        {
            // Blocked by rule 11: nothing is decided, but the readiness of each standby region is still shown.
            Evaluate(_unreconciled ?? FailoverState.Initial(_settings.Options.InitialActiveRegion ?? ""));
            return;
        }
        if (_state is null || _busy) return;
        if (_state.Move is not null)
        {
            // A plan runs from step to step by itself; this only restarts one held by a pause that has been lifted.
            if (!Timers.IsTimerActive(RetryKey)) RunNextStep();
            return;
        }
        Decide();
    }

    private const string NoStore = "this node has no failover state store: the coordinator observes and never acts";

    private PolicyDecision Evaluate(FailoverState state)
    {
        _readiness = _settings.Policy.SiteRegions.Where(r => r != state.ActiveRegion)
            .Select(r => Readiness.Evaluate(r, _replication.Groups, _replication.Evidence(state.ActiveRegion, r), _settings.Options.Failover.MaxLagBytes, _settings.ObservationMaxAge))
            .ToList();
        return FailoverPolicy.Decide(new PolicyInput(state, _settings.Policy, _rounds.Rounds, _readiness.ToDictionary(r => r.Region), WallNow));
    }

    private void Decide()
    {
        var state = _state!;
        var decision = Evaluate(state);
        var wasBlocked = _phase == Phases.Blocked;
        _phase = decision.Phase;
        _reasons = decision.BlockedReasons;
        if (decision.Act is { DryRun: true } dry)
        {
            var key = $"{dry.From}->{dry.To}";
            if (_lastDryRun == key) return;
            _lastDryRun = key;
            var steps = PlanSteps.Pending(PlanSteps.For(_settings.Options, dry.From, dry.To));
            Write(state with { History = Append(state.History, Entry(state.Epoch, DecisionKinds.DryRun, dry.From, dry.To, dry.Reason, null, dry.Votes, steps)) });
            return;
        }
        _lastDryRun = null;
        if (decision.Act is { } act) Start(state, DecisionKinds.Failover, act.From, act.To, act.Reason, act.Votes, acceptDataLoss: false, acceptSplitBrainRisk: false);
        else if (_phase == Phases.Blocked && !wasBlocked)
            Write(state with { History = Append(state.History, Entry(state.Epoch, DecisionKinds.Blocked, state.ActiveRegion, null, string.Join("; ", _reasons), null, [], [])) });
    }

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
        if (move.Kind == DecisionKinds.Abort) _reasons = [move.Reason];
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
        if (outcome.Ok && PlanSteps.Parse(done.Step).Kind == PlanSteps.Fence)
        {
            // The fence step did what it could; only evidence lets the plan past it (rule 5).
            var verdict = FenceEvidencePolicy.Evaluate(move.From, outcome.Fence ?? new FenceFacts(false, [], null, false, null, false), _settings.Fence, move.AcceptSplitBrainRisk);
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
        _log.Warning("Completed: {0} from {1} to {2}, epoch {3}", move.Kind, move.From, move.To, move.Epoch);
        Write(state with
        {
            ActiveRegion = move.To, Phase = move.Kind == DecisionKinds.Abort ? Phases.Idle : Phases.Completed, Move = null,
            CooldownUntil = move.Kind == DecisionKinds.Failover ? WallNow + _settings.Cooldown : state.CooldownUntil,
            History = entries,
        }, then: null);
        _phase = move.Kind == DecisionKinds.Abort ? Phases.Idle : Phases.Completed;
        _reasons = [];
    }

    private void Write(FailoverState next, object? then = null)
    {
        _busy = true;
        _store!.WriteAsync(next, CancellationToken.None).WaitAsync(_settings.StoreTimeout)
            .PipeTo(Self, success: () => new Written(next, then),
                failure: e => e.GetBaseException() is StoreWriteFailedException { Stale: true } stale
                    ? new StaleWrite(then, stale.Message)
                    : new WriteFailed(next, then, e is TimeoutException ? "no majority answered in time" : e.GetBaseException().Message));
    }

    private void OnWritten(Written w)
    {
        _busy = false;
        if (w.Then is StillUnreconciled still)
        {
            _unreconciled = w.State;
            Continue(still.Inner);
            return;
        }
        _state = w.State;
        if (w.Then is Settled settled)
        {
            // The operator's adopt settled rule 11's disagreement.
            _disagreements = [];
            _unreconciled = null;
            _reasons = [];
            _phase = Phases.Idle;
            Timers.Cancel(ResurveyKey);
            w = w with { Then = settled.Inner };
        }
        if (_queued.Count > 0)
        {
            // Operators' changes that waited for this write are stored next, before whatever was to follow it.
            var queued = _queued.ToList();
            _queued.Clear();
            Write(queued.Aggregate(_state, (state, q) => q.Change(state)), then: new Replies(queued.Select(q => q.ReplyTo).ToList(), w.Then));
            return;
        }
        Continue(w.Then);
    }

    private void Continue(object? then)
    {
        switch (then)
        {
            case Reply r:
                r.To.Tell(r.Answer);
                if (r.Next is not null) Self.Tell(r.Next);
                break;
            case Replies rs:
                foreach (var to in rs.To) to.Tell(Ok);
                Continue(rs.Next);
                break;
            case Delayed d:
                Timers.StartSingleTimer(RetryKey, d.Message, d.After);
                break;
            case { } message:
                Self.Tell(message);
                break;
        }
    }

    private void OnWriteFailed(WriteFailed f)
    {
        if (_state is null)
        {
            // An adopt or a pause over a disagreement: nothing acts on it until a load reconciles it, so it needs no abort record.
            var operatorReply = f.Then switch { Settled { Inner: Reply a } => a, StillUnreconciled { Inner: Reply p } => p, _ => null };
            operatorReply?.To.Tell(new CommandAnswer(503, null, [$"the change could not be stored by a majority: {f.Error}"]));
            _busy = false;
            return;
        }
        var state = _state!;
        _log.Error("Storing the failover state failed: {0}", f.Error);
        if (f.Then is Replies replies)
        {
            // Only the operators' changes were in this write; the plan's own state was stored before it.
            foreach (var to in replies.To) to.Tell(new CommandAnswer(503, null, [$"the change could not be stored by a majority: {f.Error}"]));
            _busy = false;
            Continue(replies.Next);
            return;
        }
        if (f.Then is Reply reply)
        {
            // The operator hears the truth now; the state the request would have made is not retried behind their back.
            reply.To.Tell(new CommandAnswer(503, null, [$"the change could not be stored by a majority: {f.Error}"]));
            f = f with { Then = reply.Next };
            if (f.Attempted.Epoch <= state.Epoch)
            {
                _busy = false;
                return;
            }
        }
        _reasons = [$"the failover state could not be stored by a majority: {f.Error}"];
        // Still busy: nothing else happens until a write lands.
        if (f.Attempted.Epoch > state.Epoch)
        {
            // The decision may have reached some replicas: a higher-epoch abort supersedes it before anything else.
            var abort = f.Attempted.Epoch.Next(_incarnation);
            var aborted = state with
            {
                Epoch = abort, Phase = Phases.Idle, Move = null,
                History = Append(state.History, Entry(abort, DecisionKinds.Abort, f.Attempted.Move?.From ?? state.Move?.From, f.Attempted.Move?.To ?? state.Move?.To,
                    $"the decision of epoch {f.Attempted.Epoch.Counter} was not stored by a majority: {f.Error}", null, [], [])),
            };
            Timers.StartSingleTimer("rewrite", new Rewrite(aborted, null), _settings.Interval);
            return;
        }
        Timers.StartSingleTimer("rewrite", new Rewrite(f.Attempted, f.Then), _settings.Interval);
    }

    /// <summary>Another coordinator stored a newer epoch: this one is stale; it forgets what it knew and reads again.</summary>
    private void OnStaleWrite(StaleWrite w)
    {
        _log.Warning("The stored failover state is newer than this coordinator's ({0}); reading it again", w.Reason);
        var refused = new CommandAnswer(409, null, [$"a newer decision was stored meanwhile: {w.Reason}"]);
        if (w.Then is Reply reply) reply.To.Tell(refused);
        if (w.Then is Replies replies) foreach (var to in replies.To) to.Tell(refused);
        _state = null;
        Load();
    }

    private FailoverStatus Status()
    {
        var s = _state ?? _unreconciled ?? FailoverState.Initial(_settings.Options.InitialActiveRegion ?? "");
        var last = s.History.LastOrDefault(h => h.Kind != DecisionKinds.Blocked);
        return new FailoverStatus(_settings.Policy.Mode, s.Paused, s.ActiveRegion, s.Epoch.Counter, _phase, _reasons, s.CooldownUntil,
            last is null ? null : $"epoch {last.Epoch.Counter}: {last.Kind} {last.From} -> {last.To} at {last.At:yyyy-MM-ddTHH:mm:ssZ}",
            Guarded: false, LeaseHolders: [],
            _readiness.Select(r => new ReadinessView(r.Region, r.Eligible, r.LagBytes, r.AllReasons.ToList())).ToList());
    }

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
        if (!_settings.Policy.SiteRegions.Contains(r.ActiveRegion, StringComparer.Ordinal))
        {
            Sender.Tell(new CommandAnswer(400, null, [$"'{r.ActiveRegion}' is not a site region (site regions: {string.Join(", ", _settings.Policy.SiteRegions)})"]));
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

    private RegionsView Regions()
    {
        var round = _rounds.Rounds.LastOrDefault();
        var active = _state?.ActiveRegion ?? _settings.Options.InitialActiveRegion;
        return new RegionsView(_settings.Options.Regions.Select(r => new RegionView(r.Name!, r.Kind!, r.Name == active,
            round is null ? [] : round.Votes.Where(v => v.Value.ContainsKey(r.Name!)).OrderBy(v => v.Key, StringComparer.Ordinal)
                .Select(v => new VantageVerdict(v.Key, v.Value[r.Name!].Verdict, round.TakenAt, v.Value[r.Name!].Reasons)).ToList())).ToList());
    }

    private HistoryRecord Entry(Epoch epoch, string kind, string? from, string? to, string reason, string? fencedBy, IReadOnlyList<VoteRecord> votes, IReadOnlyList<StepRecord> steps) =>
        new(epoch, WallNow, kind, from, to, reason, fencedBy, votes, steps);

    private static IReadOnlyList<HistoryRecord> Append(IReadOnlyList<HistoryRecord> history, HistoryRecord entry) =>
        history.Append(entry).TakeLast(FailoverState.HistoryLimit).ToList();

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record RunStep
    {
        public static readonly RunStep Instance = new();
    }

    private sealed record Loaded(FailoverState? State, string? Error);
    private sealed record Surveyed(FailoverState? Stored, ResourceFindings? Findings, string? Error);

    private sealed record Resurvey
    {
        public static readonly Resurvey Instance = new();
    }
    private sealed record Written(FailoverState State, object? Then);
    private sealed record WriteFailed(FailoverState Attempted, object? Then, string Error);
    private sealed record StepDone(string Step, StepOutcome Outcome, DateTimeOffset StartedAt, TimeSpan Duration);
    private sealed record Delayed(object Message, TimeSpan After);
    private sealed record Rewrite(FailoverState State, object? Then);
    private sealed record Reply(IActorRef To, object Answer, object? Next);
    private sealed record Replies(IReadOnlyList<IActorRef> To, object? Next);

    /// <summary>An adopt's write: once stored, the disagreement of rule 11 is settled.</summary>
    private sealed record Settled(object Inner);

    /// <summary>An operator's pause or resume stored while rule 11 still blocks: the state stays unreconciled.</summary>
    private sealed record StillUnreconciled(object Inner);
    private sealed record StaleWrite(object? Then, string Reason);
    private sealed record NameServersAnswered(Epoch Epoch, string Step, string? Note);
}
