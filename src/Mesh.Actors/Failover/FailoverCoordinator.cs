using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Actors.Failover.Replication;
using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Probes;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
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
public sealed partial class FailoverCoordinator : ReceiveActor, IWithTimers
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
    private readonly HashSet<string> _pairsFrom = new(StringComparer.Ordinal);
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
        Receive<TargetObserved>(o =>
        {
            _replication.Observe(o, Now);
            ObserveRole(o);
        });
        Receive<ReplicationPairs>(r =>
        {
            _replication.Adopt(r, Now);
            _pairsFrom.Add(r.Node);
        });
        Receive<GuardReport>(OnGuardReport);
        Receive<StoppedGranting>(OnStoppedGranting);
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
        Receive<Finished>(OnFinished);
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
        // Rule 2 counts nothing before this incarnation's first round and rule 3 wants a second one Fall x Interval
        // later: polling at once, not an Interval from now, starts both clocks as early as the rules allow (a new
        // coordinator after a lost region decides about a second sooner).
        Self.Tell(Tick.Instance);
        if (_store is null)
        {
            _reasons = [NoStore];
            _phase = Phases.Blocked;
            return;
        }
        Load();
    }

    private void OnTick()
    {
        // A failed read is retried here too; a disagreement waits for its own, slower, survey.
        if (_state is null && _store is not null && !_busy && !Timers.IsTimerActive(ResurveyKey)) Load();
        var reachable = _directory.Reachable();
        WatchMembers();
        // What the nodes remember of replication lag, once from each: the active primary may have died before this incarnation started.
        foreach (var member in reachable.Where(m => !_pairsFrom.Contains(m.Node))) _directory.AskReplicationPairs(member, Self);
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
        if (decision.Act is not { DryRun: true } && TryUnfence(state, decision)) return;
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

    private FailoverStatus Status()
    {
        var s = _state ?? _unreconciled ?? FailoverState.Initial(_settings.Options.InitialActiveRegion ?? "");
        var last = s.History.LastOrDefault(h => h.Kind != DecisionKinds.Blocked);
        return new FailoverStatus(_settings.Policy.Mode, s.Paused, s.ActiveRegion, s.Epoch.Counter, _phase, _reasons, s.CooldownUntil,
            last is null ? null : $"epoch {last.Epoch.Counter}: {last.Kind} {last.From} -> {last.To} at {last.At:yyyy-MM-ddTHH:mm:ssZ}",
            Guarded: Guards.Guarded(s.ActiveRegion, Now), LeaseHolders: Guards.Holders(s.ActiveRegion, Now),
            _readiness.Select(r => new ReadinessView(r.Region, r.Eligible, r.LagBytes, r.AllReasons.ToList())).ToList());
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
}
