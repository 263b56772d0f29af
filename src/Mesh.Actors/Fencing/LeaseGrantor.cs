using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Fencing;

/// <summary>
/// Every node's lease grantor (SPEC 6 rule 4): answers each <see cref="LeaseRequest"/> with a grant or a
/// refusal from this node's replica of the stored state, following <see cref="GrantRule"/>. Grants come from
/// every node rather than the coordinator so that losing the coordinator's node never starves the lease.
/// </summary>
/// <remarks>
/// The copy is this node's replica of the replicated key (it may lag a majority write by a gossip round,
/// which is why evidence (c) waits for every member's confirmation rather than for the write). When the copy
/// moves away from a region this grantor stops granting to it at once, remembers when, and tells the
/// coordinator with <see cref="StoppedGranting"/>, again every <c>resendEvery</c> while the move is in
/// progress, so that a coordinator that took over mid-move still hears it. A copy older than the one held is
/// ignored: a stale read never resumes grants.
/// </remarks>
public sealed class LeaseGrantor : ReceiveActor, IWithTimers
{
    public const string Name = "lease-grantor";
    private const string ResendKey = "resend";

    private readonly string _node;
    private readonly string _region;
    private readonly FailoverStateStore? _store;
    private readonly IActorRef _coordinator;
    private readonly TimeSpan _resendEvery;
    private readonly TimeProvider _clock;
    private readonly long _origin;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private GrantorMemory _memory = GrantorMemory.Empty;

    // What each guard said in its last request, and whether its region was guarded when this grantor stopped.
    private readonly Dictionary<string, (string Region, bool Guarded)> _heard = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _guardedAtStop = new(StringComparer.Ordinal);

    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="node">This node's address, named in every answer.</param>
    /// <param name="region">This node's region.</param>
    /// <param name="store">The replicated state to subscribe to; null when copies arrive as <see cref="UseState"/> only.</param>
    /// <param name="coordinator">Where <see cref="StoppedGranting"/> goes (the coordinator singleton's proxy).</param>
    /// <param name="resendEvery">How often stops are repeated while the move is in progress (Lease.RenewInterval).</param>
    public LeaseGrantor(string node, string region, FailoverStateStore? store, IActorRef coordinator, TimeSpan resendEvery, TimeProvider clock)
    {
        _node = node;
        _region = region;
        _store = store;
        _coordinator = coordinator;
        _resendEvery = resendEvery;
        _clock = clock;
        _origin = clock.GetTimestamp();

        Receive<LeaseRequest>(r =>
        {
            _heard[r.Node] = (r.Region, r.Guarded);
            Sender.Tell(GrantRule.Decide(_memory, r, _node, _region, Now));
        });
        Receive<Changed>(c =>
        {
            if (_store is not null && _store.TryRead(c, out var state)) Observe(state);
        });
        Receive<StateFound>(found => Observe(found.State));
        Receive<StateReadResult>(_ => { });   // nothing stored yet, or the read failed: the subscription brings the copy
        Receive<UseState>(u => Observe(u.State));
        Receive<Resend>(_ => ResendStops());
    }

    public static Props Props(string node, string region, FailoverStateStore? store, IActorRef? coordinator, TimeSpan resendEvery, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new LeaseGrantor(node, region, store, coordinator ?? ActorRefs.Nobody, resendEvery, clock ?? TimeProvider.System));

    /// <summary>A copy of the stored state handed to this grantor by its own node. Local only: it is no mesh message, so no other node can push one.</summary>
    public sealed record UseState(FailoverState State);

    private sealed record Resend
    {
        public static readonly Resend Instance = new();
    }

    private TimeSpan Now => _clock.GetElapsedTime(_origin);

    protected override void PreStart()
    {
        if (_store is null) return;
        _store.Subscribe(Self);
        _store.ReadLocalAsync().PipeTo(Self);
    }

    private void Observe(FailoverState state)
    {
        var (memory, stops) = _memory.Observe(state, Now);
        _memory = memory;
        foreach (var stop in stops)
        {
            // Each guard's last word, however old: a region cut off goes silent in the state it was in.
            _guardedAtStop[stop.Region] = _heard.Values.Any(h => h.Region == stop.Region && h.Guarded);
            _log.Info("Stopped granting leases to {0} at epoch {1}", stop.Region, stop.Epoch);
            Confirm(stop);
        }
        if (InProgress && _memory.Stopped.Count > 0)
        {
            if (!Timers.IsTimerActive(ResendKey)) Timers.StartPeriodicTimer(ResendKey, Resend.Instance, _resendEvery);
        }
        else Timers.Cancel(ResendKey);
    }

    private bool InProgress => _memory.State?.Move is not null;

    private void ResendStops()
    {
        if (!InProgress) { Timers.Cancel(ResendKey); return; }
        foreach (var stop in _memory.Stopped.Values) Confirm(stop);
    }

    private void Confirm(GrantStop stop) =>
        _coordinator.Tell(new StoppedGranting(_node, _region, stop.Region, stop.Epoch, _guardedAtStop.GetValueOrDefault(stop.Region)));
}
