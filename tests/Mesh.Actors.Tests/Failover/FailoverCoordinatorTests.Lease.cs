using Akka.Actor;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Tests.Failover;

/// <summary>
/// The coordinator's side of the write lease (SPEC 6 rules 4 and 5): <c>guarded</c> and <c>leaseHolders</c> from the
/// guards' reports; evidence (c) when the old region's primary cannot be reached; the unfence of an active region
/// that fenced itself, tried before a failover and needing an operator after three lifts within Cooldown.
/// </summary>
public sealed partial class FailoverCoordinatorTests
{
    /// <summary>A short lease, so that Duration + DriftMargin passes within a test.</summary>
    private static readonly MeshOptions ShortLease = Options with
    {
        Failover = Options.Failover with
        {
            Lease = new LeaseOptions { Duration = TimeSpan.FromMilliseconds(800), RenewInterval = TimeSpan.FromMilliseconds(100), FenceLead = TimeSpan.FromMilliseconds(300), DriftMargin = TimeSpan.FromMilliseconds(200) },
        },
    };

    private static GuardReport Guarding(string node = "nyc1-a", bool holds = true, bool ready = true, Epoch? fencedUnder = null) =>
        new(node, "nyc1", Epoch.Zero, Guarding: true, holds, ready, ready ? "ready" : "nyc1-pg: connection refused", fencedUnder, Released: false, "test");

    /// <summary>The old region's primary cannot be reached: the fence step reports it, and only (c) can prove the fence.</summary>
    private void Unreachable() => _executor.Script = (step, _) => step.StartsWith("fence:", StringComparison.Ordinal)
        ? new StepOutcome(true, null, new FenceFacts(false, ["pg-nyc1: connection timed out"], null, false, null, false))
        : StepOutcome.Done;

    [Fact]
    public void The_status_shows_the_active_region_guarded_by_its_lease_holders()
    {
        Healthy();
        var coordinator = Start(new FakeStore());
        coordinator.Tell(Guarding("nyc1-a"));
        coordinator.Tell(Guarding("nyc1-b", holds: true, ready: false));
        coordinator.Tell(new GuardReport("ams3-a", "ams3", Epoch.Zero, Guarding: false, false, false, "not active", null, false, "idle"));

        AwaitAssert(() =>
        {
            var status = Status(coordinator);
            Assert.True(status.Guarded);
            Assert.Equal(["nyc1-a", "nyc1-b"], status.LeaseHolders);
        }, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void A_region_whose_only_lease_holder_is_not_fence_ready_is_not_guarded()
    {
        Healthy();
        var coordinator = Start(new FakeStore());
        coordinator.Tell(Guarding("nyc1-a", holds: true, ready: false));

        AwaitAssert(() => Assert.Equal(["nyc1-a"], Status(coordinator).LeaseHolders), TimeSpan.FromSeconds(3));
        Assert.False(Status(coordinator).Guarded);
    }

    [Fact]
    public void An_unreachable_primary_is_proven_fenced_once_every_member_outside_its_region_stopped_granting_and_the_lease_ran_out()
    {
        var store = new FakeStore();
        Outage();
        Unreachable();
        var coordinator = Start(store, ShortLease);
        coordinator.Tell(Guarding());

        AwaitCondition(() => Status(coordinator).BlockedReasons.Any(r => r.Contains("ams3-a (ams3), sfo3-w (sfo3) did not confirm", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        var epoch = store.State!.Epoch;
        coordinator.Tell(new StoppedGranting("ams3-a", "ams3", "nyc1", epoch, RegionGuarded: true));
        coordinator.Tell(new StoppedGranting("sfo3-w", "sfo3", "nyc1", epoch, RegionGuarded: true));

        AwaitStored(store, s => s.Phase == Phases.Completed);
        var failover = Assert.Single(store.State!.History, h => h.Kind == DecisionKinds.Failover);
        Assert.Equal(FenceEvidence.LeaseExpired, failover.FencedBy);
        Assert.Equal(Plan, _executor.Calls.Distinct());
    }

    [Fact]
    public void A_member_outside_the_region_that_neither_confirms_nor_is_removed_holds_the_promotion_back()
    {
        var store = new FakeStore();
        Outage();
        Unreachable();
        var coordinator = Start(store, ShortLease);
        coordinator.Tell(Guarding());
        AwaitCondition(() => store.State?.Move is not null, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        coordinator.Tell(new StoppedGranting("sfo3-w", "sfo3", "nyc1", store.State!.Epoch, RegionGuarded: true));
        // A stop for an older epoch, or from the region itself, confirms nothing.
        coordinator.Tell(new StoppedGranting("ams3-a", "ams3", "nyc1", Epoch.Zero, RegionGuarded: true));

        // Well past Duration + DriftMargin since sfo3-w stopped: ams3-a could still be granting.
        AwaitCondition(() => _executor.Calls.Count(c => c == "fence:nyc1") >= 3, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
        Assert.DoesNotContain("grant-leases:ams3", _executor.Calls);
        Assert.Contains(Status(coordinator).BlockedReasons, r => r.Contains("ams3-a (ams3) did not confirm it stopped granting to nyc1", StringComparison.Ordinal));

        // Once it is removed from the cluster, the lease runs out Duration + DriftMargin later.
        _directory.Members = [new("nyc1-a", "nyc1"), new("sfo3-w", "sfo3")];
        AwaitStored(store, s => s.Phase == Phases.Completed);
        Assert.Equal(FenceEvidence.LeaseExpired, store.State!.History.Single(h => h.Kind == DecisionKinds.Failover).FencedBy);
    }

    [Fact]
    public void Lease_expiry_proves_nothing_when_the_region_was_not_guarded_when_last_heard_from()
    {
        var store = new FakeStore();
        Outage();
        Unreachable();
        var coordinator = Start(store, ShortLease);
        coordinator.Tell(Guarding(holds: false));
        AwaitCondition(() => store.State?.Move is not null, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        coordinator.Tell(new StoppedGranting("ams3-a", "ams3", "nyc1", store.State!.Epoch, RegionGuarded: true));
        coordinator.Tell(new StoppedGranting("sfo3-w", "sfo3", "nyc1", store.State!.Epoch, RegionGuarded: true));

        AwaitCondition(() => _executor.Calls.Count(c => c == "fence:nyc1") >= 3, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
        Assert.DoesNotContain("grant-leases:ams3", _executor.Calls);
        Assert.Contains(Status(coordinator).BlockedReasons, r => r.Contains("nyc1 was not guarded when last heard from", StringComparison.Ordinal));
    }

    [Fact]
    public void An_active_region_that_fenced_itself_is_unfenced_by_a_recorded_decision_once_its_guard_holds_a_lease_again()
    {
        var store = new FakeStore();
        Healthy();
        var coordinator = Start(store);
        coordinator.Tell(Guarding(fencedUnder: Epoch.Zero));

        AwaitStored(store, s => s.History.Any(h => h.Kind == DecisionKinds.Unfence) && s.Move is null);
        Assert.Equal(["unfence:nyc1"], _executor.Calls);
        var state = store.State!;
        Assert.Equal(("nyc1", 1L, Phases.Idle), (state.ActiveRegion, state.Epoch.Counter, state.Phase));
        Assert.Contains("nyc1-a holds a lease again", state.History.Single().Reason, StringComparison.Ordinal);
        // The guard's fence was under epoch 0; the unfence of epoch 1 lifted it: nothing more to lift.
        AwaitAssert(() => Assert.Equal(Phases.Idle, Status(coordinator).Phase), TimeSpan.FromSeconds(3));
        Assert.Single(_executor.Calls);
    }

    /// <summary>After a failover that fenced nyc1 by powering it off, with ams3 active and fenced by its own guards.</summary>
    private static FakeStore FailedOverToAms3()
    {
        var epoch = new Epoch(1, "c");
        var failover = new HistoryRecord(epoch, DateTimeOffset.UtcNow.AddMinutes(-1), DecisionKinds.Failover, "nyc1", "ams3", "nyc1 down", FenceEvidence.PowerOff, [], []);
        return new FakeStore(new FailoverState("ams3", epoch, Phases.Completed, null, null, false, null, [failover]));
    }

    private void Ams3GuardFencedItself(IActorRef coordinator)
    {
        _directory.Votes = _ => [new RegionVerdict("nyc1", Verdicts.Down, ["pg-nyc1: unhealthy for 60 s"]), new RegionVerdict("ams3", Verdicts.Up, [])];
        coordinator.Tell(new TargetObserved("sfo3", "pg-ams3", ProbeStatus.Healthy, null, DateTimeOffset.UtcNow, 1, 0, null, new ProbeFacts { Role = ServerRoles.Primary, Timeline = 2 }));
        coordinator.Tell(new GuardReport("ams3-a", "ams3", new Epoch(1, "c"), Guarding: true, true, true, "ready", new Epoch(1, "c"), Released: false, "test"));
    }

    [Fact]
    public void The_new_active_region_that_fenced_itself_is_unfenced_while_the_old_primary_it_replaced_cannot_be_read()
    {
        // A whole-mesh restart after a failover: a guard of ams3, starved of CPU, took itself for frozen and fenced;
        // nyc1's primary, powered off by the failover, answers nobody. Waiting to read it in recovery would keep the shop down.
        var store = FailedOverToAms3();
        var coordinator = Start(store, observed: false);
        coordinator.Tell(new TargetObserved("sfo3", "pg-nyc1", ProbeStatus.Unhealthy, null, DateTimeOffset.UtcNow, null, 5, "connection refused", ProbeFacts.None));
        Ams3GuardFencedItself(coordinator);

        AwaitStored(store, s => s.History.Any(h => h.Kind == DecisionKinds.Unfence) && s.Move is null);
        Assert.Equal(["unfence:ams3"], _executor.Calls);
        Assert.Equal("ams3", store.State!.ActiveRegion);
    }

    [Fact]
    public void The_new_active_region_stays_fenced_while_the_old_primary_it_replaced_reads_as_a_primary()
    {
        var store = FailedOverToAms3();
        var coordinator = Start(store, observed: false);
        coordinator.Tell(new TargetObserved("sfo3", "pg-nyc1", ProbeStatus.Healthy, null, DateTimeOffset.UtcNow, 1, 0, null, new ProbeFacts { Role = ServerRoles.Primary, Timeline = 1 }));
        Ams3GuardFencedItself(coordinator);

        AwaitAssert(() => Assert.Contains(Status(coordinator).BlockedReasons, r => r.StartsWith("ams3 fenced itself and stays fenced: not every other PostgreSQL server reads back in recovery: pg-nyc1 read as primary", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(5));
        Assert.Empty(_executor.Calls);
    }

    [Fact]
    public void A_self_fence_is_not_lifted_while_no_guard_holds_a_lease()
    {
        var store = new FakeStore();
        Healthy();
        var coordinator = Start(store);
        coordinator.Tell(Guarding(holds: false, fencedUnder: Epoch.Zero));

        AwaitAssert(() => Assert.Contains(Status(coordinator).BlockedReasons, r => r == "nyc1 fenced itself and stays fenced: no guard of nyc1 holds a lease"), TimeSpan.FromSeconds(3));
        Assert.Empty(_executor.Calls);
        Assert.Null(store.State);
    }

    [Fact]
    public async Task After_three_lifts_within_cooldown_lifting_the_fence_needs_an_operator()
    {
        var now = DateTimeOffset.UtcNow;
        var lifts = Enumerable.Range(1, 3).Select(i => new HistoryRecord(new Epoch(i, "c"), now.AddSeconds(-10 * (4 - i)), DecisionKinds.Unfence, "nyc1", "nyc1", "lifted", null, [], [])).ToList();
        var store = new FakeStore(new FailoverState("nyc1", new Epoch(3, "c"), Phases.Idle, null, null, false, null, lifts));
        Healthy();
        var coordinator = Start(store);
        coordinator.Tell(Guarding(fencedUnder: new Epoch(3, "c")));

        AwaitAssert(() => Assert.Contains(Status(coordinator).BlockedReasons, r => r.Contains("unfenced 3 times within Cooldown", StringComparison.Ordinal)
            && r.Contains("POST /api/v1/failover/adopt", StringComparison.Ordinal)), TimeSpan.FromSeconds(3));
        Assert.Empty(_executor.Calls);

        // The operator's adopt resets the count: the next lift is the coordinator's again.
        CommandAnswer adopted;
        do adopted = await coordinator.Ask<CommandAnswer>(new RequestAdopt("nyc1", 3), TimeSpan.FromSeconds(3));
        while (adopted.Status == 503);   // a write in flight: an operator retries
        Assert.Equal(200, adopted.Status);
        AwaitCondition(() => _executor.Calls.Contains("unfence:nyc1"), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void A_failover_waits_while_the_active_region_that_fenced_itself_may_still_be_lifted()
    {
        var options = Options with { Probes = Options.Probes with { Grace = TimeSpan.FromSeconds(2) } };
        var store = new FakeStore();
        Outage();
        var coordinator = Start(store, options);
        coordinator.Tell(Guarding(holds: false, fencedUnder: Epoch.Zero));

        AwaitAssert(() => Assert.Contains(Status(coordinator).BlockedReasons, r => r.Contains("lifting is tried for Grace + Rise x Interval", StringComparison.Ordinal)), TimeSpan.FromSeconds(3));
        Assert.Empty(_executor.Calls);

        // Past the window, the outage is failed over as usual.
        AwaitStored(store, s => s.Phase == Phases.Completed);
        Assert.Equal(Plan, _executor.Calls);
    }
}
