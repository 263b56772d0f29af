using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;
using Akka.Event;
using Mesh.Actors.Failover;

namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// Runs on every node. Keeps this node's copy of the membership, the gossiped reachability records and
/// the stored active region; once none of them has changed for StableAfter while some record says a
/// member is unreachable, it applies <see cref="RegionAwareDowning"/>: the kept set's lowest member downs
/// the others, and each member outside the kept set downs itself (<c>run-coordinated-shutdown-when-down</c>
/// then stops its process). Downing is idempotent, so a repeated decision costs nothing.
/// </summary>
internal sealed class RegionAwareDowningActor : ReceiveActor, IWithTimers
{
    private sealed record Stable
    {
        public static readonly Stable Instance = new();
    }

    private readonly RegionAwareDowningSettings _settings;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, Member> _members = [];
    private IReadOnlyList<(UniqueAddress Observer, UniqueAddress Subject)> _unreachable = [];
    private FailoverStateStore? _store;
    private string? _activeRegion;
    private DowningView? _view;
    private DowningView? _actedOn;

    public RegionAwareDowningActor(RegionAwareDowningSettings settings)
    {
        _settings = settings;
        _activeRegion = settings.InitialActiveRegion;
        Receive<ClusterEvent.MemberRemoved>(e =>
        {
            _members.Remove(e.Member.UniqueAddress);
            Changed();
        });
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            _members[e.Member.UniqueAddress] = e.Member;
            if (e.Member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) && e.Member.Status == MemberStatus.Up) WatchActiveRegion();
            Changed();
        });
        Receive<Changed>(c =>
        {
            if (_store is null || !_store.TryRead(c, out var state)) return;
            _activeRegion = state.ActiveRegion;
            Changed();
        });
        Receive<Stable>(_ => Decide());
        Receive<ClusterEvent.IClusterDomainEvent>(e =>
        {
            if (!GossipReachability.TryRead(e, out var unreachable)) return;
            _unreachable = unreachable;
            Changed();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _log.Info("Region-aware downing (SPEC 6 rule 12) started: regions [{0}], stable-after {1}", string.Join(", ", _settings.Regions), _settings.StableAfter);
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IClusterDomainEvent));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    /// <summary>
    /// The active region is the stored failover state's, as this node's replica holds it (the coordinator
    /// changes it only with a majority write). Distributed data is touched only once this node is Up: the
    /// provider's actor starts while the cluster itself is still starting. Until a state is stored (the
    /// coordinator stores one with its first decision) the active region is <c>InitialActiveRegion</c>, as
    /// the coordinator itself assumes; only with neither is it unknown, and ties fall to member order.
    /// </summary>
    private void WatchActiveRegion()
    {
        if (_store is not null) return;
        try
        {
            _store = new FailoverStateStore(Context.System);
            _store.Subscribe(Self);
        }
        catch (Exception e)
        {
            _log.Warning(e, "Region-aware downing cannot read the stored failover state; it keeps {0} as the active region", _activeRegion ?? "unknown");
        }
    }

    // Any change restarts the wait: a decision is taken only on a view that held still for StableAfter.
    private void Changed()
    {
        var view = BuildView();
        if (_view is not null && Same(_view, view)) return;
        _view = view;
        Timers.StartSingleTimer(nameof(Stable), Stable.Instance, _settings.StableAfter);
    }

    private void Decide()
    {
        if (_view is null || _view.Observations.Count == 0 || (_actedOn is not null && Same(_actedOn, _view))) return;
        if (!_members.TryGetValue(_cluster.SelfUniqueAddress, out var self) || !Live(self.Status)) return;

        var decision = RegionAwareDowning.Decide(_view);
        var action = RegionAwareDowning.LocalAction(decision, Id(_cluster.SelfUniqueAddress));
        var byId = _members.Keys.ToDictionary(Id, a => a.Address, StringComparer.Ordinal);
        switch (action)
        {
            case LocalDowningAction.DownOthers:
                _log.Warning("Region-aware downing: {0}; downing [{1}]", decision.Reason, string.Join(", ", decision.Down));
                foreach (var id in decision.Down)
                    if (byId.TryGetValue(id, out var address)) _cluster.Down(address);
                break;
            case LocalDowningAction.DownSelf:
                _log.Warning("Region-aware downing: {0}; this node is not kept and downs itself", decision.Reason);
                _cluster.Down(_cluster.SelfAddress);
                break;
            case LocalDowningAction.Wait:
                _log.Info("Region-aware downing: {0}; {1} downs [{2}]", decision.Reason, decision.Actor, string.Join(", ", decision.Down));
                break;
        }
        _actedOn = _view;
    }

    private DowningView BuildView()
    {
        var live = _members.Values.Where(m => Live(m.Status)).ToList();
        var liveIds = live.Select(m => m.UniqueAddress).ToHashSet();
        var members = live
            .Select(m => new DowningMember(Id(m.UniqueAddress), ClusterRoles.RegionOf(m), m.Status is MemberStatus.Up or MemberStatus.Leaving))
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .ToList();
        var observations = _unreachable
            .Where(r => liveIds.Contains(r.Observer) && liveIds.Contains(r.Subject))
            .Select(r => new UnreachableObservation(Id(r.Observer), Id(r.Subject)))
            .Distinct()
            .OrderBy(o => o.Observer, StringComparer.Ordinal).ThenBy(o => o.Subject, StringComparer.Ordinal)
            .ToList();
        return new DowningView(members, observations, _settings.Regions, _activeRegion);
    }

    private static bool Same(DowningView a, DowningView b) =>
        a.ActiveRegion == b.ActiveRegion && a.Members.SequenceEqual(b.Members) && a.Observations.SequenceEqual(b.Observations);

    // Down, Exiting and Removed members are on their way out: they neither vote nor need downing.
    private static bool Live(MemberStatus status) => status is not (MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed);

    private static string Id(UniqueAddress address) => DowningMemberId.Of(address);
}
