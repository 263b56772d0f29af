using Akka.Actor;
using Subscribe = Akka.Cluster.Tools.PublishSubscribe.Subscribe;
using SubscribeAck = Akka.Cluster.Tools.PublishSubscribe.SubscribeAck;
using Akka.DistributedData;
using Akka.Event;
using Mesh.Actors.Failover;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Fencing;

/// <summary>
/// Every node's fencer of stray primaries (SPEC 6 rule 5, third bullet): a writable PostgreSQL or Redis primary in
/// a region that is not active is fenced within a few probe intervals by a node that reaches it. This node reaches
/// what its own region's probes reach, so it acts only on observations made from its region. Decisions are
/// <see cref="StrayPrimaryRule"/>'s; the work is <see cref="StrayFenceAttempts"/>'.
/// </summary>
/// <remarks>
/// This node's replica of the stored state only filters observations (it may lag); every attempt starts with a
/// majority read. At most one attempt per target is in flight, and at most one starts per target per probe
/// interval, so a server that stays a primary costs one majority read and one reading per interval. A failed
/// attempt is simply tried again on a later observation. Pause does not stop it (rule 13: a pause stops
/// decisions, not safety actions); mode <c>dry-run</c> logs what it would fence and fences nothing (rule 4).
/// </remarks>
public sealed class StrayPrimaryFencer : ReceiveActor
{
    public const string Name = "stray-fencer";

    private readonly string _region;
    private readonly FailoverOptions _failover;
    private readonly IReadOnlyDictionary<string, TargetOptions> _targets;
    private readonly StrayFenceAttempts _attempts;
    private readonly FailoverStateStore? _store;
    private readonly IActorRef? _mediator;
    private readonly TimeSpan _every;
    private readonly TimeProvider _clock;
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _startedAt = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private FailoverState? _copy;

    /// <param name="region">This node's region: only observations made from it count.</param>
    /// <param name="reader">The majority read each attempt starts with.</param>
    /// <param name="store">The replicated state to subscribe to; null when copies arrive as <see cref="UseState"/> only.</param>
    /// <param name="mediator">The pub-sub mediator to subscribe to the observations topic through; null when observations are told directly.</param>
    public StrayPrimaryFencer(MeshOptions options, string region, IStateMajorityReader reader, IResourceActions actions,
        FailoverStateStore? store, IActorRef? mediator, TimeProvider clock)
    {
        _region = region;
        _failover = options.Failover;
        _targets = options.Targets.Where(t => t.Id is not null).ToDictionary(t => t.Id!, StringComparer.Ordinal);
        _attempts = new StrayFenceAttempts(options, reader, actions);
        _store = store;
        _mediator = mediator;
        _every = options.Probes.Interval;
        _clock = clock;

        Receive<TargetObserved>(Observe);
        Receive<StrayFenceOutcome>(Finish);
        Receive<Changed>(c =>
        {
            if (_store is not null && _store.TryRead(c, out var state)) Use(state);
        });
        Receive<StateFound>(found => Use(found.State));
        Receive<StateReadResult>(_ => { });   // nothing stored yet, or the read failed: the subscription brings the copy
        Receive<UseState>(u => Use(u.State));
        Receive<SubscribeAck>(_ => { });
    }

    public static Props Props(MeshOptions options, string region, IStateMajorityReader reader, IResourceActions actions,
        FailoverStateStore? store, IActorRef? mediator, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new StrayPrimaryFencer(options, region, reader, actions, store, mediator, clock ?? TimeProvider.System));

    /// <summary>A copy of the stored state handed to this fencer by its own node. Local only: it is no mesh message, so no other node can push one.</summary>
    public sealed record UseState(FailoverState State);

    protected override void PreStart()
    {
        _mediator?.Tell(new Subscribe(ObservationStore.Topic, Self));
        if (_store is null) return;
        _store.Subscribe(Self);
        _store.ReadLocalAsync().PipeTo(Self);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    /// <summary>The newest copy is kept: a late, older one never makes a stray look active again.</summary>
    private void Use(FailoverState state)
    {
        if (_copy is null || state.Epoch >= _copy.Epoch) _copy = state;
    }

    private void Observe(TargetObserved observed)
    {
        var id = observed.TargetId;
        if (!StrayPrimaryRule.Suspect(observed, _region, _targets.GetValueOrDefault(id), _copy, _failover)) return;
        if (_inFlight.Contains(id)) return;
        if (_startedAt.TryGetValue(id, out var at) && _clock.GetElapsedTime(at) < _every) return;

        _inFlight.Add(id);
        _startedAt[id] = _clock.GetTimestamp();
        _attempts.RunAsync(_targets[id], _stopping.Token)
            .PipeTo(Self, success: outcome => outcome, failure: e => StrayFenceOutcome.Failed(id, e.Message));
    }

    private void Finish(StrayFenceOutcome outcome)
    {
        _inFlight.Remove(outcome.TargetId);
        var id = outcome.TargetId;
        var epoch = outcome.Epoch?.Counter;
        switch (outcome.Result)
        {
            case StrayFenceResult.Fenced:
                _log.Warning("Fenced stray primary {0} at epoch {1}: {2}. {3}", id, epoch, outcome.Reason, outcome.Detail);
                break;
            case StrayFenceResult.WouldFence:
                _log.Warning("Dry-run: would fence stray primary {0} at epoch {1}: {2}", id, epoch, outcome.Reason);
                break;
            case StrayFenceResult.NewerEpoch:
                _log.Warning("Did not fence {0} at epoch {1}: the server records a newer decision. {2}", id, epoch, outcome.Detail);
                break;
            case StrayFenceResult.NotFenced:
                _log.Error("The fence of stray primary {0} at epoch {1} did not succeed ({2}); tried again on a later observation. {3}", id, epoch, outcome.Reason, outcome.Detail);
                break;
            case StrayFenceResult.Failed:
                _log.Error("Could not check stray primary {0}: {1}; tried again on a later observation", id, outcome.Reason);
                break;
            default:
                _log.Debug("Left {0} alone: {1}", id, outcome.Reason);
                break;
        }
        Context.System.EventStream.Publish(outcome);
    }
}
