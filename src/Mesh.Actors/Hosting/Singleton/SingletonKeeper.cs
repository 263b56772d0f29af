using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Event;

namespace Mesh.Actors.Hosting.Singleton;

/// <summary>
/// Runs a cluster singleton's manager at <c>/user/{managerName}</c> (where the proxies look for it) and keeps it
/// alive (<see cref="SingletonWatch"/>): every <c>CheckEvery</c> it asks every Up member for the singleton
/// (Identify at the manager's child path); when none answered for <c>StuckAfter</c> while this node should host it,
/// it stops the manager and starts a fresh one, which takes the singleton as the oldest member. A manager that
/// stops by itself (this node removed) is not restarted.
/// </summary>
public sealed class SingletonKeeper : ReceiveActor, IWithTimers
{
    private sealed record Look
    {
        public static readonly Look Instance = new();
    }

    private readonly string _managerName;
    private readonly string _singletonName;
    private readonly Props _managerProps;
    private readonly TimeSpan _stuckAfter;
    private readonly TimeSpan _checkEvery;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly long _origin = Environment.TickCount64;
    private IActorRef _manager = ActorRefs.Nobody;
    private long _round;
    private bool _foundInRound;
    private bool _lookedInRound;
    private TimeSpan? _missingSince;
    private bool _restarting;

    public SingletonKeeper(string managerName, string singletonName, Props singletonProps, TimeSpan stuckAfter, TimeSpan checkEvery)
    {
        _managerName = managerName;
        _singletonName = singletonName;
        _stuckAfter = stuckAfter;
        _checkEvery = checkEvery;
        _managerProps = ClusterSingletonManager.Props(singletonProps, PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(Context.System).WithSingletonName(singletonName));
        Receive<Look>(_ => OnLook());
        Receive<ActorIdentity>(id =>
        {
            if (Equals(id.MessageId, _round) && id.Subject is not null) _foundInRound = true;
        });
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_manager)) return;
            if (_restarting) StartManager();
            else _log.Info("The {0} singleton manager stopped by itself (this node is leaving): not restarted", _managerName);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string managerName, string singletonName, Props singletonProps, TimeSpan stuckAfter, TimeSpan checkEvery) =>
        Akka.Actor.Props.Create(() => new SingletonKeeper(managerName, singletonName, singletonProps, stuckAfter, checkEvery));

    private TimeSpan Now => TimeSpan.FromMilliseconds(Environment.TickCount64 - _origin);

    protected override void PreStart()
    {
        StartManager();
        Timers.StartPeriodicTimer(nameof(Look), Look.Instance, _checkEvery);
    }

    private void StartManager()
    {
        _restarting = false;
        _missingSince = null;
        // At /user/{name}, not under this keeper: the proxies on every node look for the manager there.
#pragma warning disable AK1008
        _manager = Context.System.ActorOf(_managerProps, _managerName);
#pragma warning restore AK1008
        Context.Watch(_manager);
    }

    private void OnLook()
    {
        if (_restarting) return;
        var state = _cluster.State;
        var shouldHost = SingletonWatch.ShouldHost(state.Members, state.Unreachable, _cluster.SelfUniqueAddress);
        // The last round's answers have had a whole interval to arrive; judge them, then ask again.
        if (_lookedInRound)
        {
            var (since, restart) = SingletonWatch.Judge(shouldHost, _foundInRound, _missingSince, Now, _stuckAfter);
            _missingSince = since;
            if (restart)
            {
                _log.Warning("No {0} singleton has answered anywhere for {1:0} s although this node is the oldest member: restarting its manager",
                    _managerName, _stuckAfter.TotalSeconds);
                _restarting = true;
                Context.Stop(_manager);
                return;
            }
        }
        _round++;
        _foundInRound = false;
        _lookedInRound = shouldHost;
        if (!shouldHost) return;
        foreach (var member in state.Members.Where(m => m.Status == MemberStatus.Up))
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / _managerName / _singletonName).Tell(new Identify(_round));
    }
}
