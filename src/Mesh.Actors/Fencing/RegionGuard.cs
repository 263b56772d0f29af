using Akka.Actor;
using Akka.DistributedData;
using Akka.Event;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Fencing;

/// <summary>
/// Every node's guard of its own region (SPEC 6 rule 4). While this node's copy of the stored state makes its
/// region active, it asks every reachable member's grantor for a grant each RenewInterval and judges its lease
/// with the pure <see cref="GuardRule"/>; a verdict to fence fences the region's primaries under the newest
/// epoch it knows, once per epoch (the resources refuse an older one, rule 10). A guard whose region stops
/// being active fences at once; one that never guarded stays idle. Every RenewInterval it reports to the
/// coordinator, which shows <c>guarded</c> and counts on it for evidence (c) and for unfence decisions.
/// </summary>
/// <remarks>
/// Safety rests on the arithmetic, not on this actor: a guard that is slow, frozen, or dead only fences later or
/// not at all, and the coordinator never counts a lease expired before Duration + DriftMargin after every grantor
/// outside the region stopped, which ends every grant any guard still counts. A guard's fence only ever shortens
/// the time its region stays writable.
/// </remarks>
public sealed class RegionGuard : ReceiveActor, IWithTimers
{
    public const string Name = "region-guard";
    private const string RenewKey = "renew";
    private const string ReadinessKey = "readiness";

    private readonly GuardSettings _settings;
    private readonly FailoverStateStore? _store;
    private readonly ILeasePeers _peers;
    private readonly IRegionFence _fence;
    private readonly IActorRef _coordinator;
    private readonly TimeProvider _clock;
    private readonly long _origin;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private GuardLedger _ledger = null!;
    private long _nextRequest;
    private TimeSpan _dueAt;
    private GuardVerdict? _verdict;
    private FenceReadiness _readiness = FenceReadiness.Unchecked;
    private bool _checking;
    private bool _wasActive;
    private bool _fencing;
    private Epoch? _fencedUnder;
    private Epoch? _triedUnder;
    // A fence this guard started and that has not landed: owed until it does (or a newer epoch at the resource refuses
    // it, or the region is made active again), whatever later verdicts say. A freeze, say, is seen on one late tick
    // only; a fence it started that then failed must not be forgotten with it, half applied and never reported.
    private (Epoch Epoch, string Reason)? _owed;
    // The epoch that took this region's activity away: its fence is made, and retried, under that epoch only.
    private Epoch? _lostUnder;
    private bool _released;

    public ITimerScheduler Timers { get; set; } = null!;

    public RegionGuard(GuardSettings settings, FailoverStateStore? store, ILeasePeers peers, IRegionFence fence, IActorRef coordinator, TimeProvider clock)
    {
        _settings = settings;
        _store = store;
        _peers = peers;
        _fence = fence;
        _coordinator = coordinator;
        _clock = clock;
        _origin = clock.GetTimestamp();

        Receive<Renew>(_ => OnRenew());
        Receive<ILeaseAnswer>(OnAnswer);
        Receive<Changed>(c =>
        {
            if (_store is not null && _store.TryRead(c, out var state)) Learn(state);
        });
        Receive<StateFound>(found => Learn(found.State));
        Receive<StateReadResult>(_ => { });   // nothing stored yet, or the read failed: the subscription brings the copy
        Receive<LeaseGrantor.UseState>(u => Learn(u.State));
        Receive<CheckReadiness>(_ => CheckReadinessNow());
        Receive<ReadinessChecked>(r =>
        {
            _checking = false;
            _readiness = r.Readiness;
        });
        Receive<FenceDone>(OnFenceDone);
        Receive<Exiting>(OnExiting);
        Receive<GetGuardReport>(_ => Sender.Tell(Report()));
    }

    public static Props Props(GuardSettings settings, FailoverStateStore? store, ILeasePeers peers, IRegionFence fence, IActorRef? coordinator, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new RegionGuard(settings, store, peers, fence, coordinator ?? ActorRefs.Nobody, clock ?? TimeProvider.System));

    /// <summary>Asks this node's guard for its report (local; the answer is a <see cref="GuardReport"/>).</summary>
    public sealed record GetGuardReport
    {
        public static readonly GetGuardReport Instance = new();
    }

    /// <summary>The node is leaving: downed by the cluster, or stopped with SIGTERM. Answered with <see cref="ExitDone"/> once any fence landed.</summary>
    public sealed record Exiting(ExitKind Kind);

    public sealed record ExitDone(ExitVerdict Verdict);

    private sealed record Renew
    {
        public static readonly Renew Instance = new();
    }

    private sealed record CheckReadiness
    {
        public static readonly CheckReadiness Instance = new();
    }

    private sealed record ReadinessChecked(FenceReadiness Readiness);
    private sealed record FenceDone(Epoch Epoch, RegionFenceReport Report, IActorRef? ExitReplyTo, ExitVerdict? Exit);

    private TimeSpan Now => _clock.GetElapsedTime(_origin);
    private LeaseSettings Lease => _settings.Lease;

    protected override void PreStart()
    {
        _ledger = GuardLedger.Start(_settings.Region, Now, Epoch.Zero, regionActive: false, activeSince: null);
        _dueAt = Now + Lease.RenewInterval;
        Timers.StartPeriodicTimer(RenewKey, Renew.Instance, Lease.RenewInterval);
        Timers.StartPeriodicTimer(ReadinessKey, CheckReadiness.Instance, _settings.ReadinessEvery);
        if (_store is null) return;
        _store.Subscribe(Self);
        _store.ReadLocalAsync().PipeTo(Self);
    }

    private void OnRenew()
    {
        var now = Now;
        // A timer fires late when the process was frozen (or starved): the guard cannot know what it missed.
        var late = now > _dueAt ? now - _dueAt : TimeSpan.Zero;
        _dueAt = now + Lease.RenewInterval;
        if (_released) return;
        if (_ledger.Facts.RegionActiveInNewest)
        {
            var holds = LeaseArithmetic.Compute(_ledger.Facts, now, Lease).Holds;
            var request = new LeaseRequest(++_nextRequest, _settings.Node, _settings.Region, Guarded: holds && _readiness.Ready);
            _ledger = _ledger.Sent(request.RequestId, now);
            foreach (var member in _peers.Reachable()) _peers.Request(member, request, Self);
        }
        Judge(now, late);
        _coordinator.Tell(Report());
        PublishLease(now);
    }

    private void PublishLease(TimeSpan now)
    {
        if (_released || !_ledger.Facts.RegionActiveInNewest)
        {
            GuardMetrics.LeaseRemaining.RemoveLabelled(_settings.Region);
            return;
        }
        var lease = LeaseArithmetic.Compute(_ledger.Facts, now, Lease);
        GuardMetrics.LeaseRemaining.WithLabels(_settings.Region).Set(lease is { Holds: true, EndsAt: { } end } ? Math.Max(0, (end - now).TotalSeconds) : 0);
    }

    private void OnAnswer(ILeaseAnswer answer)
    {
        var wasActive = _ledger.Facts.RegionActiveInNewest;
        _ledger = _ledger.Answered(answer, Now);
        NoteActivity(wasActive);
        // A refusal that teaches an epoch without this region is acted on at once, not at the next tick.
        if (wasActive && !_ledger.Facts.RegionActiveInNewest) Judge(Now, TimeSpan.Zero);
    }

    /// <summary>
    /// What a change of activity leaves behind. Lost: the epoch that took it away is the one its fence is made under.
    /// Regained: a fence made while the region was not active (of a region a move was leaving, or moving into but
    /// not there yet) is undone by the move that makes it active (promotion opens the servers), so it is neither this
    /// region fencing itself, which would ask the coordinator for an unfence, nor a reason to skip fencing under the
    /// same epoch when this region's lease later lapses.
    /// </summary>
    private void NoteActivity(bool wasActive)
    {
        var active = _ledger.Facts.RegionActiveInNewest;
        if (wasActive && !active) _lostUnder = _ledger.Facts.NewestEpoch;
        if (!wasActive && active)
        {
            _fencedUnder = null;
            _triedUnder = null;
            _lostUnder = null;
            _owed = null;
        }
    }

    private void Learn(FailoverState copy)
    {
        var wasActive = _ledger.Facts.RegionActiveInNewest;
        // "Active" for a guard means its grantors grant it: a stored move away ends that at once (GrantRule).
        _ledger = _ledger.Learned(copy.Epoch, GrantRule.Grants(copy, _settings.Region), Now);
        NoteActivity(wasActive);
        if (wasActive != _ledger.Facts.RegionActiveInNewest)
        {
            _log.Info("Epoch {0} {1} {2}", copy.Epoch.Counter, _ledger.Facts.RegionActiveInNewest ? "makes" : "no longer makes", _settings.Region + " the region this guard keeps writable");
            if (_ledger.Facts.RegionActiveInNewest) CheckReadinessNow();
            Judge(Now, TimeSpan.Zero);
        }
    }

    private void Judge(TimeSpan now, TimeSpan late)
    {
        var (facts, next) = _ledger.At(now, late, Lease);
        _ledger = next;
        _wasActive |= facts.ActiveSince is not null || facts.HeldBefore;
        // A guard that never guarded has nothing to fence: its region's servers are someone else's standbys.
        if (!facts.RegionActiveInNewest && !_wasActive)
        {
            _verdict = null;
            return;
        }
        _verdict = GuardRule.Judge(facts, now, Lease);
        // A region that is not active is fenced under the epoch that took it away, never a later one: a later epoch
        // may be the move back into this region, whose promotion must not be undone by a fence that lands after it
        // (a resource that records the newer epoch refuses the older one, rule 10).
        var epoch = !facts.RegionActiveInNewest && _lostUnder is { } lost ? lost : facts.NewestEpoch;
        if (_verdict.Action == GuardAction.FenceNow) Fence(epoch, _verdict.Reason);
        else if (_owed is { } owed) Fence(owed.Epoch, $"completing the fence started under epoch {owed.Epoch.Counter}: {owed.Reason}");
    }

    private void Fence(Epoch epoch, string reason, IActorRef? exitReplyTo = null, ExitVerdict? exit = null)
    {
        // Once per epoch: a fence that landed, or that a newer epoch at the resource refused, is not repeated.
        if (_fencedUnder is { } done && done >= epoch || _triedUnder is { } tried && tried >= epoch || _fencing)
        {
            exitReplyTo?.Tell(new ExitDone(exit!));
            return;
        }
        if (_settings.DryRun)
        {
            _log.Warning("dry-run: would fence the primaries of {0} under epoch {1}: {2}", _settings.Region, epoch.Counter, reason);
            _triedUnder = epoch;
            exitReplyTo?.Tell(new ExitDone(exit!));
            return;
        }
        _fencing = true;
        _owed ??= (epoch, reason);
        _log.Warning("Fencing the primaries of {0} under epoch {1}: {2}", _settings.Region, epoch.Counter, reason);
        _fence.FenceAsync(_settings.Region, epoch, CancellationToken.None).WaitAsync(_settings.FenceTimeout).PipeTo(Self,
            success: r => new FenceDone(epoch, r, exitReplyTo, exit),
            failure: e => new FenceDone(epoch, new RegionFenceReport(false, false, [e is TimeoutException ? $"the fence did not finish within {GuardRule.Seconds(_settings.FenceTimeout)}" : e.GetBaseException().Message]), exitReplyTo, exit));
    }

    private void OnFenceDone(FenceDone done)
    {
        _fencing = false;
        var details = string.Join("; ", done.Report.Details);
        if (done.Report.Fenced || done.Report.Stale) _owed = null;
        if (done.Report.Fenced)
        {
            _fencedUnder = done.Epoch;
            CheckReadinessNow();
            _log.Warning("Fenced the primaries of {0} under epoch {1}: {2}", _settings.Region, done.Epoch.Counter, details);
        }
        else if (done.Report.Stale)
        {
            _triedUnder = done.Epoch;
            _log.Warning("A server of {0} records an epoch newer than {1}: a newer decision stands ({2})", _settings.Region, done.Epoch.Counter, details);
        }
        else _log.Error("The fence of {0} under epoch {1} failed, retried at every renewal until it lands: {2}", _settings.Region, done.Epoch.Counter, details);
        done.ExitReplyTo?.Tell(new ExitDone(done.Exit!));
    }

    private void OnExiting(Exiting exiting)
    {
        var now = Now;
        var (facts, _) = _ledger.At(now, TimeSpan.Zero, Lease);
        var verdict = ExitRule.OnExit(exiting.Kind, facts, now, Lease);
        _released = true;
        Timers.Cancel(RenewKey);
        _log.Info("Leaving the cluster ({0}): {1}", exiting.Kind, verdict.Reason);
        _coordinator.Tell(Report());
        // Grantors pass a region's last word on with their stops: this guard no longer guards.
        var release = new LeaseRequest(++_nextRequest, _settings.Node, _settings.Region, Guarded: false);
        foreach (var member in _peers.Reachable()) _peers.Request(member, release, ActorRefs.Nobody);
        if (verdict.FenceBeforeExit && _wasActive) Fence(facts.NewestEpoch, verdict.Reason, Sender, verdict);
        else Sender.Tell(new ExitDone(verdict));
    }

    private void CheckReadinessNow()
    {
        if (_checking || !_ledger.Facts.RegionActiveInNewest) return;
        _checking = true;
        _fence.CheckReadinessAsync(_settings.Region, CancellationToken.None).WaitAsync(_settings.FenceTimeout).PipeTo(Self,
            success: r => new ReadinessChecked(r),
            failure: e => new ReadinessChecked(new FenceReadiness(false, e.GetBaseException().Message)));
    }

    private static Epoch? Newest(Epoch? a, Epoch? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private GuardReport Report()
    {
        var facts = _ledger.Facts;
        var holds = !_released && facts.RegionActiveInNewest && LeaseArithmetic.Compute(facts, Now, Lease).Holds;
        var readiness = facts.RegionActiveInNewest ? _readiness : new FenceReadiness(false, $"{_settings.Region} is not the active region: nothing to guard");
        // A fence found at the resource counts as much as this guard's own: another node's guard (one cut off, since
        // downed and restarted) may have fenced and never told the coordinator.
        var fenced = Newest(_fencedUnder, facts.RegionActiveInNewest ? _readiness.FoundFenced : null);
        return new GuardReport(_settings.Node, _settings.Region, facts.NewestEpoch, facts.RegionActiveInNewest && !_released, holds,
            readiness.Ready, readiness.Reason, fenced, _released, _verdict?.Reason ?? "idle: this guard's region has not been active since it started");
    }
}

/// <summary>A guard's settings.</summary>
/// <param name="ReadinessEvery">How often fence-readiness is checked again.</param>
/// <param name="FenceTimeout">Bound on one fence or readiness check; a fence that did not finish is retried.</param>
/// <param name="DryRun">Failover.Mode dry-run: log what would be fenced, fence nothing.</param>
public sealed record GuardSettings(string Node, string Region, LeaseSettings Lease, TimeSpan ReadinessEvery, TimeSpan FenceTimeout, bool DryRun);
