using Akka.Actor;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Fencing;
using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using Mesh.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>
/// A guard of nyc1 (SPEC 6 rule 4) with fake peers, a fake fence and a fake monotonic clock. The guard's timers fire
/// on real time every RenewInterval (100 ms) while its clock only moves when a test advances it, never by more than
/// RenewInterval between two ticks unless a test means to freeze it. Lease: Duration 1 s, FenceLead 300 ms, Quorum 2.
/// </summary>
public sealed class RegionGuardTests : TestKit
{
    private static readonly TimeSpan Ri = Ms(100);
    private static readonly LeaseSettings Lease = new(Ms(1000), Ri, Ms(300), Ms(100), Quorum: 2);
    private static readonly Epoch E7 = new(7, "c1");
    private static readonly Epoch E8 = new(8, "c2");
    private static readonly FailoverState Nyc1At7 = FailoverState.Initial("nyc1") with { Epoch = E7 };
    private static readonly FailoverState MovingAway = FailoverSamples.Moving(8);   // failover nyc1 -> ams3, phase fencing
    private static readonly string[] AllRegions = ["nyc1", "ams3", "sfo3"];

    private readonly FakeTimeProvider _clock = new();
    private readonly FakeLeasePeers _peers = new(new ReachableMember("nyc1-a", "nyc1"), new ReachableMember("nyc1-b", "nyc1"), new ReachableMember("ams3-a", "ams3"), new ReachableMember("sfo3-a", "sfo3"));
    private readonly FakeRegionFence _fence = new();
    private readonly Akka.TestKit.TestProbe _coordinator;

    public RegionGuardTests() => _coordinator = CreateTestProbe();

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    private IActorRef Guard(string region = "nyc1", bool dryRun = false) =>
        Sys.ActorOf(RegionGuard.Props(new GuardSettings($"{region}-a", region, Lease, Ri, TimeSpan.FromSeconds(2), dryRun), store: null, _peers, _fence, _coordinator, _clock));

    /// <summary>A guard of nyc1 whose copy makes nyc1 active at epoch 7, granted by every region under <paramref name="grantEpoch"/>, once it guards.</summary>
    private IActorRef Guarding(Epoch? grantEpoch = null, bool dryRun = false)
    {
        var guard = Guard(dryRun: dryRun);
        _peers.GrantFrom(grantEpoch ?? E7, AllRegions);
        guard.Tell(new LeaseGrantor.UseState(Nyc1At7));
        _coordinator.FishForMessage<GuardReport>(r => r.Guards, TimeSpan.FromSeconds(5));
        return guard;
    }

    /// <summary>The latest report from a tick that read the clock after everything the test did before.</summary>
    private GuardReport Settle()
    {
        while (_coordinator.HasMessages) _coordinator.ReceiveOne();
        _coordinator.ExpectMsg<GuardReport>();
        return _coordinator.ExpectMsg<GuardReport>();
    }

    private GuardReport Step(double ms)
    {
        _clock.Advance(Ms(ms));
        return Settle();
    }

    /// <summary>Moves the guard's clock by <paramref name="ms"/> in steps of at most RenewInterval, one tick each (never frozen).</summary>
    private GuardReport Walk(double ms)
    {
        GuardReport? last = null;
        for (var left = ms; left > 0; left -= Ri.TotalMilliseconds) last = Step(Math.Min(left, Ri.TotalMilliseconds));
        return last ?? Settle();
    }

    private void FencedOnceUnder(Epoch epoch)
    {
        AwaitCondition(() => !_fence.Fences.IsEmpty, TimeSpan.FromSeconds(3));
        Assert.Equal([("nyc1", epoch)], _fence.Fences.ToList());
    }

    [Fact]
    public void The_active_regions_guard_asks_every_reachable_member_every_tick_and_says_guarded_only_with_a_lease_and_readiness()
    {
        _fence.Readiness = new FenceReadiness(false, "pg-nyc1.internal:5432 refused the mesh's role");
        var guard = Guard();
        guard.Tell(new LeaseGrantor.UseState(Nyc1At7));
        Settle();
        Settle();
        Assert.All(_peers.Requests, r => Assert.False(r.Request.Guarded));   // no grant yet

        _peers.GrantFrom(E7, AllRegions);
        var held = _coordinator.FishForMessage<GuardReport>(r => r.HoldsLease, TimeSpan.FromSeconds(3));
        Assert.False(held.Guards);
        Assert.False(held.FenceReady);
        _peers.Requests.Clear();
        Settle();
        Assert.NotEmpty(_peers.Requests);
        Assert.All(_peers.Requests, r => Assert.False(r.Request.Guarded));   // holds a lease, but not fence-ready

        _fence.Readiness = new FenceReadiness(true, "ready");
        _coordinator.FishForMessage<GuardReport>(r => r.Guards, TimeSpan.FromSeconds(3));
        _peers.Requests.Clear();
        Settle();
        Assert.NotEmpty(_peers.Requests);
        Assert.All(_peers.Requests, r => Assert.True(r.Request.Guarded));

        Settle();
        var requests = _peers.Requests.ToList();
        var ids = requests.Select(r => r.Request.RequestId).Distinct().ToList();
        Assert.True(ids.Count >= 2, $"{ids.Count} ticks");
        Assert.Equal(ids.Order(), ids);   // increasing, in the order sent
        foreach (var id in ids.SkipLast(1))   // the last tick's may be half recorded
            Assert.Equal(["ams3-a", "nyc1-a", "nyc1-b", "sfo3-a"], requests.Where(r => r.Request.RequestId == id).Select(r => r.Member.Node).Order());
        Assert.All(requests, r => Assert.Equal(("nyc1-a", "nyc1"), (r.Request.Node, r.Request.Region)));
        Assert.Empty(_fence.Fences);
    }

    [Fact]
    public void Grants_from_Quorum_regions_keep_the_lease_and_nothing_is_fenced()
    {
        var guard = Guard();
        _peers.GrantFrom(E7, "nyc1");
        guard.Tell(new LeaseGrantor.UseState(Nyc1At7));
        Settle();
        var alone = Settle();
        Assert.True(alone.Guarding);
        Assert.False(alone.HoldsLease);   // its own region is one region, Quorum is 2

        _peers.GrantFrom(E7, "nyc1", "ams3");
        _coordinator.FishForMessage<GuardReport>(r => r.Guards, TimeSpan.FromSeconds(3));
        var later = Walk(1500);   // longer than Duration: renewals keep it

        Assert.True(later.HoldsLease);
        Assert.True(later.Guards);
        Assert.Null(later.FencedUnder);
        Assert.Empty(_fence.Fences);
    }

    [Fact]
    public void When_grants_stop_it_fences_once_FenceLead_before_the_lease_ends_under_the_newest_epoch()
    {
        Guarding(grantEpoch: E8);   // its grantors are ahead of its own copy: they teach it epoch 8
        _peers.Silence();
        Assert.Equal(E8, Settle().Epoch);

        var before = Walk(690);   // every counted request was sent at 0: the lease ends at 1000, the fence is due at 700
        Assert.Empty(_fence.Fences);
        Assert.True(before.HoldsLease);

        Step(10);
        FencedOnceUnder(E8);

        var after = Walk(800);   // past the lease's end, and every tick still judges the lease ended
        Assert.Equal([("nyc1", E8)], _fence.Fences.ToList());
        Assert.Equal(E8, after.FencedUnder);
        Assert.False(after.HoldsLease);
    }

    [Fact]
    public void A_copy_with_a_stored_move_away_fences_at_once_while_the_lease_still_holds()
    {
        var guard = Guarding();

        guard.Tell(new LeaseGrantor.UseState(MovingAway));

        FencedOnceUnder(MovingAway.Epoch);
        var report = _coordinator.FishForMessage<GuardReport>(r => r.FencedUnder is not null, TimeSpan.FromSeconds(3));
        Assert.False(report.Guarding);
        Assert.Equal(MovingAway.Epoch, report.FencedUnder);
    }

    [Fact]
    public void A_refusal_under_a_newer_epoch_fences_at_once_under_that_epoch()
    {
        var guard = Guarding();

        guard.Tell(new LeaseRefusal(1_000, "sfo3-a", "sfo3", E8, "ams3", "nyc1", "epoch 8 makes ams3 the active region, not nyc1"));

        FencedOnceUnder(E8);
    }

    [Fact]
    public void A_guard_whose_clock_jumped_more_than_RenewInterval_between_ticks_fences_as_frozen()
    {
        Guarding();
        Walk(300);
        Assert.Empty(_fence.Fences);

        while (_coordinator.HasMessages) _coordinator.ReceiveOne();
        _clock.Advance(Ms(250));   // the tick is 150 ms late, more than RenewInterval; the lease (1 s) still holds

        var frozen = _coordinator.FishForMessage<GuardReport>(r => r.Verdict.Contains("frozen", StringComparison.Ordinal), TimeSpan.FromSeconds(3));
        Assert.True(frozen.HoldsLease);
        FencedOnceUnder(E7);
    }

    [Fact]
    public void A_fence_started_for_a_freeze_that_failed_is_retried_on_the_next_ticks_until_it_lands()
    {
        Guarding();
        Walk(300);
        _fence.Result = new RegionFenceReport(false, false, ["the fence did not finish within 5 s"]);
        while (_coordinator.HasMessages) _coordinator.ReceiveOne();
        _clock.Advance(Ms(250));   // frozen once; every tick after this one is on time
        AwaitCondition(() => !_fence.Fences.IsEmpty, TimeSpan.FromSeconds(3));

        Walk(200);   // on-time ticks, the lease still held: nothing but the owed fence calls for fencing
        Assert.True(_fence.Fences.Count >= 2, $"{_fence.Fences.Count} fence attempts");
        _fence.Result = new RegionFenceReport(true, false, ["pg-nyc1.internal:5432 fenced"]);
        var fenced = _coordinator.FishForMessage<GuardReport>(r => r.FencedUnder == E7, TimeSpan.FromSeconds(3));
        Assert.True(fenced.HoldsLease);
        var attempts = _fence.Fences.Count;
        Walk(300);
        Assert.Equal(attempts, _fence.Fences.Count);   // landed: owed no more
        Assert.All(_fence.Fences, f => Assert.Equal(("nyc1", E7), f));
    }

    [Fact]
    public void A_guard_never_granted_counts_Duration_minus_FenceLead_from_learning_its_region_is_active()
    {
        var guard = Guard();
        Settle();   // started (its clock read) at 0
        _clock.Advance(Ms(500));   // idle until 500
        Assert.False(Settle().Guarding);

        guard.Tell(new LeaseGrantor.UseState(Nyc1At7));
        _coordinator.FishForMessage<GuardReport>(r => r.Guarding, TimeSpan.FromSeconds(3));
        var waiting = Walk(690);   // 1190: counting from its start it would have fenced at 700
        Assert.Empty(_fence.Fences);
        Assert.StartsWith("never granted a lease yet", waiting.Verdict, StringComparison.Ordinal);

        Step(10);   // 1200 = 500 + Duration - FenceLead
        FencedOnceUnder(E7);
    }

    [Fact]
    public void In_dry_run_the_verdict_is_reached_but_nothing_is_fenced()
    {
        var guard = Guarding(dryRun: true);

        guard.Tell(new LeaseGrantor.UseState(MovingAway));

        var report = _coordinator.FishForMessage<GuardReport>(r => r.Verdict == "epoch 8 does not make nyc1 the active region", TimeSpan.FromSeconds(3));
        Walk(1500);
        Assert.Empty(_fence.Fences);
        Assert.Null(report.FencedUnder);
        Assert.Null(Settle().FencedUnder);
    }

    [Fact]
    public void A_guard_of_a_region_that_was_never_active_stays_idle()
    {
        var guard = Guard("ams3");
        guard.Tell(new LeaseGrantor.UseState(Nyc1At7));
        Walk(1500);
        _clock.Advance(Ms(500));   // even a frozen tick
        guard.Tell(new LeaseGrantor.UseState(MovingAway));   // a move from nyc1 to ams3 still fencing: ams3 is not active yet
        var report = Walk(300);

        Assert.Empty(_peers.Requests);
        Assert.Empty(_fence.Fences);
        Assert.False(report.Guarding);
        Assert.Null(report.FencedUnder);
        Assert.StartsWith("idle", report.Verdict, StringComparison.Ordinal);
    }

    [Fact]
    public void A_downed_guard_without_grants_within_RenewInterval_fences_before_it_answers()
    {
        var guard = Guarding();
        _peers.Silence();
        Walk(200);   // the last grants arrived at 0; the lease lasts until 1000
        Assert.Empty(_fence.Fences);

        guard.Tell(new RegionGuard.Exiting(ExitKind.Downed));

        var done = ExpectMsg<RegionGuard.ExitDone>(TimeSpan.FromSeconds(3));
        Assert.True(done.Verdict.FenceBeforeExit);
        Assert.Equal([("nyc1", E7)], _fence.Fences.ToList());   // landed before the answer
    }

    [Fact]
    public void A_downed_guard_with_grants_from_Quorum_regions_within_RenewInterval_does_not_fence()
    {
        var guard = Guarding();
        Step(50);

        guard.Tell(new RegionGuard.Exiting(ExitKind.Downed));

        Assert.False(ExpectMsg<RegionGuard.ExitDone>(TimeSpan.FromSeconds(3)).Verdict.FenceBeforeExit);
        _clock.Advance(Ms(2000));
        Thread.Sleep(500);
        Assert.Empty(_fence.Fences);
    }

    [Fact]
    public void A_guard_stopped_with_SIGTERM_releases_its_lease_tells_its_peers_and_does_not_fence()
    {
        var guard = Guarding();
        Settle();
        Assert.Contains(_peers.Requests, r => r.Request.Guarded);

        guard.Tell(new RegionGuard.Exiting(ExitKind.Terminated));

        Assert.False(ExpectMsg<RegionGuard.ExitDone>(TimeSpan.FromSeconds(3)).Verdict.FenceBeforeExit);
        var released = _coordinator.FishForMessage<GuardReport>(r => r.Released, TimeSpan.FromSeconds(3));
        Assert.False(released.Guards);
        Assert.False(released.HoldsLease);
        var last = _peers.Requests.GroupBy(r => r.Member.Node).Select(g => g.Last().Request).ToList();
        Assert.Equal(4, last.Count);
        Assert.All(last, r => Assert.False(r.Guarded));
        Assert.Single(last.Select(r => r.RequestId).Distinct());

        var sent = _peers.Requests.Count;
        _clock.Advance(Ms(2000));
        Thread.Sleep(500);
        Assert.Equal(sent, _peers.Requests.Count);   // no more requests
        Assert.Empty(_fence.Fences);
    }

    [Fact]
    public void A_fence_that_failed_is_retried_at_the_next_tick_until_it_lands()
    {
        _fence.Result = new RegionFenceReport(false, false, ["pg-nyc1.internal:5432: connection reset"]);
        var guard = Guarding();

        guard.Tell(new LeaseGrantor.UseState(MovingAway));

        AwaitCondition(() => _fence.Fences.Count >= 3, TimeSpan.FromSeconds(3));
        _fence.Result = new RegionFenceReport(true, false, ["pg-nyc1.internal:5432 fenced"]);
        _coordinator.FishForMessage<GuardReport>(r => r.FencedUnder == MovingAway.Epoch, TimeSpan.FromSeconds(3));
        var attempts = _fence.Fences.Count;
        Settle();
        Settle();
        Assert.Equal(attempts, _fence.Fences.Count);
        Assert.All(_fence.Fences, f => Assert.Equal(("nyc1", MovingAway.Epoch), f));
    }

    [Fact]
    public void A_fence_refused_as_stale_is_not_retried_and_a_later_epoch_without_the_region_does_not_fence_under_itself()
    {
        _fence.Result = new RegionFenceReport(false, true, ["pg-nyc1.internal:5432 records epoch 13"]);
        var guard = Guarding();

        guard.Tell(new LeaseGrantor.UseState(MovingAway));
        FencedOnceUnder(MovingAway.Epoch);
        Settle();
        Settle();
        Assert.Single(_fence.Fences);
        Assert.Null(Settle().FencedUnder);

        // A later epoch that still leaves nyc1 out may be the move back into it: fencing under it could undo that move's
        // promotion. The region was taken away under epoch 8, whose fence the resource refused: a newer decision stands.
        var newer = MovingAway.Epoch.Next("c9");
        guard.Tell(new LeaseRefusal(1_000, "sfo3-a", "sfo3", newer, "ams3", "nyc1", "epoch 9 makes ams3 the active region, not nyc1"));
        Walk(500);
        Assert.Equal([MovingAway.Epoch], _fence.Epochs);
    }

    [Fact]
    public void After_an_unfence_in_a_newer_epoch_the_guard_keeps_the_region_open_and_fences_a_later_lapse_under_that_epoch()
    {
        var guard = Guarding();
        _peers.Silence();
        Walk(700);
        FencedOnceUnder(E7);

        // Grants come back, so a guard holds a lease again; the coordinator records an unfence of nyc1 in epoch 8.
        _peers.GrantFrom(E7, AllRegions);
        _coordinator.FishForMessage<GuardReport>(r => r.Guards, TimeSpan.FromSeconds(3));
        _peers.GrantFrom(E8, AllRegions);
        guard.Tell(new LeaseGrantor.UseState(FailoverState.Initial("nyc1") with { Epoch = E8 }));

        var open = Walk(1500);
        Assert.Equal([("nyc1", E7)], _fence.Fences.ToList());
        Assert.True(open.Guards);
        Assert.Equal(E8, open.Epoch);

        _peers.Silence();
        Walk(700);
        AwaitCondition(() => _fence.Fences.Count == 2, TimeSpan.FromSeconds(3));
        Assert.Equal([E7, E8], _fence.Epochs);
    }

    [Fact]
    public void A_move_back_into_the_region_is_not_fenced_and_once_active_again_a_lapse_fences_under_its_epoch()
    {
        var e9 = new Epoch(9, "c3");
        var guard = Guarding();
        guard.Tell(new LeaseGrantor.UseState(MovingAway));   // epoch 8 moves the shop away from nyc1: fenced at once
        FencedOnceUnder(MovingAway.Epoch);

        // Epoch 9 moves it back; until that completes nyc1 is not active, but the epoch that took nyc1 away is 8, and
        // its fence landed: nothing is fenced under 9, so the promotion of nyc1's servers cannot be undone by this guard.
        var movingIn = MovingAway with
        {
            Epoch = e9, ActiveRegion = "ams3",
            Move = MovingAway.Move! with { Kind = DecisionKinds.Switchover, From = "ams3", To = "nyc1", Epoch = e9 },
        };
        guard.Tell(new LeaseGrantor.UseState(movingIn));
        Walk(500);
        Assert.Equal([MovingAway.Epoch], _fence.Epochs);

        // The move completes: nyc1 is active in epoch 9, granted, and not reported as having fenced itself.
        _peers.GrantFrom(e9, AllRegions);
        guard.Tell(new LeaseGrantor.UseState(FailoverState.Initial("nyc1") with { Epoch = e9 }));
        var active = _coordinator.FishForMessage<GuardReport>(r => r.Guards && r.Epoch == e9, TimeSpan.FromSeconds(3));
        Assert.Null(active.FencedUnder);

        _peers.Silence();
        Walk(700);
        AwaitCondition(() => _fence.Fences.Count == 2, TimeSpan.FromSeconds(3));
        Assert.Equal([MovingAway.Epoch, e9], _fence.Epochs);
    }
}
