using Mesh.Actors.Failover.Reconcile;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>Rule 11 through the coordinator: it decides nothing until the stored state agrees with the resources, or an operator adopts.</summary>
public sealed partial class FailoverCoordinatorTests
{
    private static readonly ResourceFindings ShopOnNyc1 = new(
        [new PostgresFinding("pg-nyc1", "nyc1", true, false, false, null, 1), new PostgresFinding("pg-ams3", "ams3", true, true, false, null, 1)], []);

    // The shop has run in ams3 since epoch 8; the mesh's data directories were lost (spec-review F5).
    private static readonly ResourceFindings ShopOnAms3 = new(
        [new PostgresFinding("pg-nyc1", "nyc1", true, false, true, new Epoch(8, "c"), 1), new PostgresFinding("pg-ams3", "ams3", true, false, false, new Epoch(8, "c"), 2)], []);

    [Fact]
    public void A_first_start_the_resources_agree_with_decides_as_usual()
    {
        var store = new FakeStore();
        Outage();
        Start(store, survey: new FakeSurvey(ShopOnNyc1));

        AwaitStored(store, s => s.Phase == Phases.Completed);

        Assert.Equal(Plan, _executor.Calls);
    }

    [Fact]
    public void A_first_start_the_resources_agree_with_is_stored_for_the_lease_grantors()
    {
        var store = new FakeStore();
        Healthy();
        Start(store, survey: new FakeSurvey(ShopOnNyc1));

        AwaitStored(store, s => s.ActiveRegion == "nyc1");

        Assert.Equal((Epoch.Zero, Phases.Idle, (Move?)null), (store.State!.Epoch, store.State.Phase, store.State.Move));
        Assert.Empty(store.State.History);
        Assert.Empty(_executor.Calls);
    }

    [Fact]
    public void A_first_start_the_resources_contradict_is_blocked_and_acts_only_after_an_adopt()
    {
        var store = new FakeStore();
        Outage();   // nyc1 voted down: without rule 11 the mesh would fence ams3's live primary and point DNS back at nyc1
        var coordinator = Start(store, survey: new FakeSurvey(ShopOnAms3));

        AwaitAssert(() => Assert.Contains("no failover state is stored, but the resources record epoch 8: the mesh has acted before (data directories lost?)",
            Status(coordinator).BlockedReasons), TimeSpan.FromSeconds(5));
        var failover = Command(coordinator, new RequestFailover("ams3", true, true));
        var unknown = Command(coordinator, new RequestAdopt("lon1", 8));

        Assert.Equal(Phases.Blocked, Status(coordinator).Phase);
        Assert.Equal(409, failover.Status);
        Assert.Equal(400, unknown.Status);
        Assert.Empty(_executor.Calls);
        Assert.Null(store.State);

        // While it surveys the resources again (every 10 Intervals) the coordinator answers 503: an operator retries.
        CommandAnswer adopted = null!;
        AwaitCondition(() => (adopted = Command(coordinator, new RequestAdopt("ams3", 8))).Status != 503, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));

        Assert.Equal((200, (long?)9), (adopted.Status, adopted.Epoch));
        var state = store.State!;
        Assert.Equal(("ams3", 9L, Phases.Idle), (state.ActiveRegion, state.Epoch.Counter, state.Phase));
        var entry = Assert.Single(state.History);
        Assert.Equal((DecisionKinds.Adopt, "nyc1", "ams3"), (entry.Kind, entry.From, entry.To));
        Assert.StartsWith("operator adopted ams3 as the active region (they last saw epoch 8) over: no failover state is stored", entry.Reason, StringComparison.Ordinal);
        AwaitAssert(() => Assert.NotEqual(Phases.Blocked, Status(coordinator).Phase), TimeSpan.FromSeconds(5));
        Assert.Empty(_executor.Calls);   // ams3 is active and voted up: nothing to do
    }

    [Fact]
    public void A_stale_unfinished_move_is_abandoned_with_an_abort_record_and_never_resumed()
    {
        // Three hours ago a failover to ams3 stopped before pg_promote; since then an operator rebuilt ams3 as nyc1's standby.
        var stale = Interrupted(("fence:nyc1", "ok"), ("grant-leases:ams3", "ok"), ("promote-postgres:pg-ams3", "pending"), ("switch-dns:shop", "pending"));
        stale = stale with { ActiveRegion = "nyc1", Move = stale.Move! with { StartedAt = DateTimeOffset.UtcNow.AddHours(-3) } };
        var store = new FakeStore(stale);
        Healthy();
        Start(store, survey: new FakeSurvey(ShopOnNyc1 with
        {
            Postgres = [new PostgresFinding("pg-nyc1", "nyc1", true, false, false, new Epoch(5, "old-coordinator"), 1), new PostgresFinding("pg-ams3", "ams3", true, true, false, null, 1)],
        }));

        AwaitStored(store, s => s.Move is null);

        var state = store.State!;
        Assert.Equal(("nyc1", 6L, Phases.Idle), (state.ActiveRegion, state.Epoch.Counter, state.Phase));
        var abort = state.History[^1];
        Assert.Equal(DecisionKinds.Abort, abort.Kind);
        Assert.EndsWith("more than Cooldown ago, and had not reached pg_promote: abandoned, not resumed", abort.Reason, StringComparison.Ordinal);
        Assert.Empty(_executor.Calls);
    }
}
