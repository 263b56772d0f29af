using Mesh.Actors.Fencing;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;
using Mesh.Tests.Shared;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>SPEC 6 rule 5, third bullet, and rule 10: which writable primaries outside the active region are fenced, under which epoch, and which are left alone.</summary>
public sealed class StrayPrimaryRuleTests
{
    private static readonly Epoch Stored = new(12, "c1");

    /// <summary>After a completed failover from nyc1 to ams3: ams3 is active at epoch 12.</summary>
    private static readonly FailoverState Ams3Active = FailoverState.Initial("ams3") with { Epoch = Stored, Phase = Phases.Completed };

    private static readonly TargetOptions PgNyc1 = new() { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db" };
    private static readonly TargetOptions PgAms3 = new() { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db" };
    private static readonly TargetOptions RedisNyc1 = new() { Id = "redis-nyc1", Kind = TargetKinds.Redis, Region = "nyc1", Group = "cache" };
    private static readonly TargetOptions WebNyc1 = new() { Id = "web-nyc1", Kind = TargetKinds.Http, Region = "nyc1" };

    private static readonly ServerFinding Writable = new(Primary: true, Fenced: false, RecordedEpoch: null);
    private static readonly FailoverOptions Automatic = new();

    private static StrayVerdict Decide(FailoverState? stored, TargetOptions target, ServerFinding server, FailoverOptions? failover = null) =>
        StrayPrimaryRule.Decide(stored, target, server, failover ?? Automatic);

    private static void AssertLeftAlone(StrayVerdict verdict, string reason)
    {
        Assert.Equal(StrayAction.LeaveAlone, verdict.Action);
        Assert.Null(verdict.Epoch);
        Assert.Equal(reason, verdict.Reason);
    }

    [Fact]
    public void A_writable_postgres_primary_outside_the_active_region_is_fenced_under_the_stored_epoch()
    {
        var verdict = Decide(Ams3Active, PgNyc1, Writable);

        Assert.Equal(new StrayVerdict(StrayAction.Fence, Stored,
            "pg-nyc1 is a writable primary in nyc1 while epoch 12 makes ams3 the active region"), verdict);
    }

    [Fact]
    public void A_writable_redis_primary_outside_the_active_region_is_fenced_under_the_stored_epoch()
    {
        var verdict = Decide(Ams3Active, RedisNyc1, Writable);

        Assert.Equal(StrayAction.Fence, verdict.Action);
        Assert.Equal(Stored, verdict.Epoch);
    }

    [Fact]
    public void A_pause_does_not_stop_the_fence_it_is_a_safety_action()
    {
        var paused = Ams3Active with { Paused = true, PauseReason = "maintenance" };

        Assert.Equal(StrayAction.Fence, Decide(paused, PgNyc1, Writable).Action);
    }

    [Fact]
    public void A_primary_of_the_stored_active_region_is_never_fenced()
    {
        AssertLeftAlone(Decide(Ams3Active, PgAms3, Writable), "ams3 is the active region at epoch 12: its primaries are the writable ones");
    }

    [Fact]
    public void A_server_in_recovery_is_never_fenced()
    {
        var standby = new ServerFinding(Primary: false, Fenced: false, RecordedEpoch: new Epoch(3, "c0"));

        AssertLeftAlone(Decide(Ams3Active, PgNyc1, standby), "pg-nyc1 is in recovery (a standby or replica): a standby is never fenced");
    }

    [Fact]
    public void A_server_that_records_a_newer_epoch_is_left_alone()
    {
        var newer = Writable with { RecordedEpoch = new Epoch(13, "c2") };

        AssertLeftAlone(Decide(Ams3Active, PgNyc1, newer), "pg-nyc1 records epoch 13, newer than the stored epoch 12: a newer decision stands");
        // Same counter, a later incarnation: still newer (epochs are totally ordered).
        Assert.Equal(StrayAction.LeaveAlone, Decide(Ams3Active, PgNyc1, Writable with { RecordedEpoch = new Epoch(12, "c2") }).Action);
    }

    [Fact]
    public void A_server_that_records_an_older_or_the_same_epoch_and_takes_writes_is_fenced()
    {
        Assert.Equal(StrayAction.Fence, Decide(Ams3Active, PgNyc1, Writable with { RecordedEpoch = new Epoch(11, "c1") }).Action);
        Assert.Equal(StrayAction.Fence, Decide(Ams3Active, PgNyc1, Writable with { RecordedEpoch = Stored }).Action);
    }

    [Fact]
    public void A_postgres_server_already_fenced_at_the_stored_epoch_or_later_is_left_alone()
    {
        var fenced = new ServerFinding(Primary: true, Fenced: true, RecordedEpoch: Stored);

        AssertLeftAlone(Decide(Ams3Active, PgNyc1, fenced), "pg-nyc1 is already fenced at epoch 12");
    }

    [Fact]
    public void A_postgres_server_fenced_under_an_older_epoch_or_none_is_fenced_again_so_it_records_the_stored_one()
    {
        var fencedBefore = new ServerFinding(Primary: true, Fenced: true, RecordedEpoch: new Epoch(9, "c0"));

        Assert.Equal(new StrayVerdict(StrayAction.Fence, Stored, "pg-nyc1 is a writable primary in nyc1 while epoch 12 makes ams3 the active region"),
            Decide(Ams3Active, PgNyc1, fencedBefore));
        Assert.Equal(StrayAction.Fence, Decide(Ams3Active, PgNyc1, fencedBefore with { RecordedEpoch = null }).Action);
    }

    [Fact]
    public void A_redis_primary_that_already_refuses_writes_is_left_alone_whatever_epoch_it_records()
    {
        var refusing = new ServerFinding(Primary: true, Fenced: true, RecordedEpoch: new Epoch(9, "c0"));

        AssertLeftAlone(Decide(Ams3Active, RedisNyc1, refusing), "redis-nyc1 already refuses writes");
    }

    [Fact]
    public void Without_a_stored_state_nothing_is_fenced()
    {
        AssertLeftAlone(Decide(null, PgNyc1, Writable),
            "no failover state is stored: no region is known to be active, so no primary is known to be a stray");
    }

    [Fact]
    public void The_destination_of_a_move_in_progress_is_left_alone_while_the_coordinator_promotes_it()
    {
        var fencing = FailoverSamples.Moving(12);   // nyc1 -> ams3, phase fencing: nyc1 is still the active region

        AssertLeftAlone(Decide(fencing, PgAms3, Writable),
            "a failover from nyc1 to ams3 is in progress (epoch 12, phase fencing): the coordinator is promoting ams3");
        AssertLeftAlone(Decide(fencing, PgNyc1, Writable), "nyc1 is the active region at epoch 12: its primaries are the writable ones");
    }

    [Fact]
    public void From_promoting_on_the_old_region_of_the_move_is_the_stray()
    {
        var promoting = FailoverSamples.Moving(12, phase: Phases.Promoting);   // ams3 is the active region from here on

        Assert.Equal(StrayAction.Fence, Decide(promoting, PgNyc1, Writable).Action);
        Assert.Equal(StrayAction.LeaveAlone, Decide(promoting, PgAms3, Writable).Action);
    }

    [Fact]
    public void In_dry_run_mode_the_verdict_only_logs_what_it_would_fence()
    {
        var verdict = Decide(Ams3Active, PgNyc1, Writable, new FailoverOptions { Mode = FailoverModes.DryRun });

        Assert.Equal(StrayAction.LogOnly, verdict.Action);
        Assert.Equal(Stored, verdict.Epoch);
        Assert.EndsWith("(dry-run: nothing is fenced)", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kind_whose_fencing_is_none_is_left_alone_and_the_other_kind_still_fenced()
    {
        var noPostgres = new FailoverOptions { Fencing = new FencingOptions { Postgres = PostgresFencing.None } };
        var noRedis = new FailoverOptions { Fencing = new FencingOptions { Redis = RedisFencing.None } };

        AssertLeftAlone(Decide(Ams3Active, PgNyc1, Writable, noPostgres), "Fencing.Postgres is none: the mesh fences no PostgreSQL server");
        AssertLeftAlone(Decide(Ams3Active, RedisNyc1, Writable, noRedis), "Fencing.Redis is none: the mesh fences no Redis server");
        Assert.Equal(StrayAction.Fence, Decide(Ams3Active, RedisNyc1, Writable, noPostgres).Action);
        Assert.Equal(StrayAction.Fence, Decide(Ams3Active, PgNyc1, Writable, noRedis).Action);
        Assert.Equal(StrayAction.Fence, Decide(Ams3Active, PgNyc1, Writable, new FailoverOptions { Fencing = new FencingOptions { Postgres = PostgresFencing.ReadOnly } }).Action);
    }

    [Fact]
    public void Only_postgres_and_redis_targets_are_fenced()
    {
        AssertLeftAlone(Decide(Ams3Active, WebNyc1, Writable), "web-nyc1 is not a database (kind http): only PostgreSQL and Redis primaries are fenced");
    }

    private static TargetObserved Seen(string vantage, string targetId, string? role) =>
        new(vantage, targetId, ProbeStatus.Healthy, null, FailoverSamples.At, 1.5, 0, null, new ProbeFacts { Role = role });

    [Fact]
    public void An_observation_is_suspect_only_from_this_nodes_region_of_a_primary_outside_the_active_region()
    {
        bool Suspect(TargetObserved o, TargetOptions? target, FailoverState? copy = null) =>
            StrayPrimaryRule.Suspect(o, "sfo3", target, copy ?? Ams3Active, Automatic);

        Assert.True(Suspect(Seen("sfo3", "pg-nyc1", ServerRoles.Primary), PgNyc1));
        Assert.False(Suspect(Seen("ams3", "pg-nyc1", ServerRoles.Primary), PgNyc1));     // made from another region
        Assert.False(Suspect(Seen("sfo3", "pg-nyc1", ServerRoles.Standby), PgNyc1));
        Assert.False(Suspect(Seen("sfo3", "pg-nyc1", null), PgNyc1));                    // the probe could not tell (a failed check)
        Assert.False(Suspect(Seen("sfo3", "pg-ams3", ServerRoles.Primary), PgAms3));     // the active region
        Assert.False(Suspect(Seen("sfo3", "pg-x", ServerRoles.Primary), null));          // not a configured target
        Assert.False(StrayPrimaryRule.Suspect(Seen("sfo3", "pg-nyc1", ServerRoles.Primary), "sfo3", PgNyc1, null, Automatic));   // no copy yet
    }
}
