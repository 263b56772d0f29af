using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Actions;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;
using Mesh.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>
/// The fencer of stray primaries on a node of sfo3, with fake servers and a fake majority read: which observations
/// start an attempt, one at a time and one per probe interval per target, and what each attempt does.
/// </summary>
public sealed class StrayPrimaryFencerTests : TestKit
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly FailoverState Ams3At12 = FailoverState.Initial("ams3") with { Epoch = new Epoch(12, "c1"), Phase = Phases.Completed };

    private readonly FakeResources _servers = new();
    private readonly FakeMajority _majority = new(new StateFound(Ams3At12));
    private readonly FakeTimeProvider _clock = new();
    private readonly Akka.TestKit.TestProbe _outcomes;

    public StrayPrimaryFencerTests()
    {
        _outcomes = CreateTestProbe();
        Sys.EventStream.Subscribe(_outcomes.Ref, typeof(StrayFenceOutcome));
    }

    private static MeshOptions Options(string mode = FailoverModes.Automatic) => new()
    {
        Probes = new ProbeOptions { Interval = Interval },
        Targets =
        [
            new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db" },
            new TargetOptions { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db" },
            new TargetOptions { Id = "redis-nyc1", Kind = TargetKinds.Redis, Region = "nyc1", Group = "cache", Endpoint = "redis-nyc1.internal:6379" },
            new TargetOptions { Id = "redis-ams3", Kind = TargetKinds.Redis, Region = "ams3", Group = "cache", Endpoint = "redis-ams3.internal:6379" },
        ],
        Failover = new FailoverOptions { Mode = mode },
    };

    /// <summary>A fencer on a node of sfo3 whose own copy of the stored state makes ams3 active at epoch 12.</summary>
    private IActorRef Fencer(string mode = FailoverModes.Automatic, IActorRef? mediator = null)
    {
        var fencer = Sys.ActorOf(StrayPrimaryFencer.Props(Options(mode), "sfo3", _majority, _servers, store: null, mediator, _clock));
        fencer.Tell(new StrayPrimaryFencer.UseState(Ams3At12));
        return fencer;
    }

    private static TargetObserved Primary(string targetId, string vantage = "sfo3") =>
        new(vantage, targetId, ProbeStatus.Healthy, null, FailoverSamples.At, 2.5, 0, null, new ProbeFacts { Role = ServerRoles.Primary });

    [Fact]
    public void A_primary_seen_from_its_own_region_is_fenced_under_the_epoch_of_the_majority_read()
    {
        _majority.Answer = new StateFound(Ams3At12 with { Epoch = new Epoch(13, "c2") });   // the node's own copy lags one decision
        var fencer = Fencer();

        fencer.Tell(Primary("pg-nyc1"));

        var outcome = _outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(StrayFenceResult.Fenced, outcome.Result);
        Assert.Equal(new Epoch(13, "c2"), outcome.Epoch);
        Assert.Equal("pg-nyc1 is a writable primary in nyc1 while epoch 13 makes ams3 the active region", outcome.Reason);
        Assert.Equal([(new Epoch(13, "c2"), FenceMode.Strict)], _servers.Pg("pg-nyc1").Fences);
    }

    [Fact]
    public void A_primary_seen_only_from_another_region_starts_nothing()
    {
        var fencer = Fencer();

        fencer.Tell(Primary("pg-nyc1", vantage: "ams3"));
        fencer.Tell(Primary("pg-nyc1", vantage: "nyc1"));

        _outcomes.ExpectNoMsg(Quiet);
        Assert.Equal(0, _majority.Reads);
        Assert.Empty(_servers.Pg("pg-nyc1").Fences);
    }

    [Fact]
    public void While_an_attempt_is_in_flight_no_second_one_starts_for_that_target()
    {
        var fencer = Fencer();
        var hold = new TaskCompletionSource();
        var pg = _servers.Pg("pg-nyc1");
        pg.Hold = hold.Task;

        fencer.Tell(Primary("pg-nyc1"));
        AwaitCondition(() => !pg.Fences.IsEmpty);
        _clock.Advance(Interval * 3);   // the interval alone would allow another
        fencer.Tell(Primary("pg-nyc1"));
        fencer.Tell(Primary("pg-nyc1"));

        _outcomes.ExpectNoMsg(Quiet);
        Assert.Equal(1, _majority.Reads);
        Assert.Single(pg.Fences);

        hold.SetResult();
        Assert.Equal(StrayFenceResult.Fenced, _outcomes.ExpectMsg<StrayFenceOutcome>().Result);
    }

    [Fact]
    public void At_most_one_attempt_per_target_starts_per_probe_interval()
    {
        var fencer = Fencer();
        fencer.Tell(Primary("pg-nyc1"));
        _outcomes.ExpectMsg<StrayFenceOutcome>();

        fencer.Tell(Primary("pg-nyc1"));
        _outcomes.ExpectNoMsg(Quiet);
        Assert.Equal(1, _majority.Reads);

        _clock.Advance(Interval);
        fencer.Tell(Primary("pg-nyc1"));
        _outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(2, _majority.Reads);
    }

    [Fact]
    public void In_dry_run_mode_it_reads_the_server_and_fences_nothing()
    {
        var fencer = Fencer(FailoverModes.DryRun);

        fencer.Tell(Primary("pg-nyc1"));

        var outcome = _outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(StrayFenceResult.WouldFence, outcome.Result);
        Assert.Equal(new Epoch(12, "c1"), outcome.Epoch);
        Assert.Equal(1, _servers.Pg("pg-nyc1").Readings);
        Assert.Empty(_servers.Pg("pg-nyc1").Fences);
    }

    [Fact]
    public void A_fence_the_server_refuses_for_a_newer_epoch_is_reported_and_not_retried_as_a_failure()
    {
        var fencer = Fencer();
        var pg = _servers.Pg("pg-nyc1");
        pg.Refuse = new StaleEpochException("postgres pg-nyc1.internal:5432", "fence", new Epoch(14, "c3"), new Epoch(12, "c1"));

        fencer.Tell(Primary("pg-nyc1"));

        var outcome = _outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(StrayFenceResult.NewerEpoch, outcome.Result);
        Assert.Contains("records epoch 14/c3", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_reading_a_newer_epoch_is_left_alone_without_a_fence()
    {
        var fencer = Fencer();
        var pg = _servers.Pg("pg-nyc1");
        pg.Reading = pg.Reading with { Epoch = new Epoch(14, "c3"), EpochAction = "promote" };

        fencer.Tell(Primary("pg-nyc1"));

        var outcome = _outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(StrayFenceResult.LeftAlone, outcome.Result);
        Assert.Empty(pg.Fences);
    }

    [Fact]
    public void When_the_majority_read_makes_the_region_active_now_nothing_is_read_or_fenced()
    {
        _majority.Answer = new StateFound(FailoverState.Initial("nyc1") with { Epoch = new Epoch(14, "c3") });   // failed back since the copy
        var fencer = Fencer();

        fencer.Tell(Primary("pg-nyc1"));

        var outcome = _outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(StrayFenceResult.LeftAlone, outcome.Result);
        Assert.Equal("nyc1 is the active region at epoch 14: its primaries are the writable ones", outcome.Reason);
        Assert.Equal(0, _servers.Pg("pg-nyc1").Readings);
        Assert.Empty(_servers.Pg("pg-nyc1").Fences);
    }

    [Fact]
    public void A_failed_majority_read_fences_nothing_and_a_later_observation_tries_again()
    {
        _majority.Answer = new StateReadFailed("fewer than a majority of nodes answered within 5 s");
        var fencer = Fencer();

        fencer.Tell(Primary("pg-nyc1"));
        var failed = _outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(StrayFenceResult.Failed, failed.Result);
        Assert.Empty(_servers.Pg("pg-nyc1").Fences);

        _majority.Answer = new StateFound(Ams3At12);
        _clock.Advance(Interval);
        fencer.Tell(Primary("pg-nyc1"));
        Assert.Equal(StrayFenceResult.Fenced, _outcomes.ExpectMsg<StrayFenceOutcome>().Result);
    }

    [Fact]
    public void A_stray_redis_primary_follows_its_groups_member_in_the_active_region()
    {
        var fencer = Fencer();

        fencer.Tell(Primary("redis-nyc1"));

        Assert.Equal(StrayFenceResult.Fenced, _outcomes.ExpectMsg<StrayFenceOutcome>().Result);
        Assert.Equal([(new Epoch(12, "c1"), (string?)"redis-ams3.internal:6379")], _servers.Redis("redis-nyc1").Fences);
    }

    [Fact]
    public void A_paused_mesh_still_fences_strays()
    {
        _majority.Answer = new StateFound(Ams3At12 with { Paused = true, PauseReason = "maintenance" });
        var fencer = Fencer();
        fencer.Tell(new StrayPrimaryFencer.UseState(Ams3At12 with { Paused = true }));

        fencer.Tell(Primary("pg-nyc1"));

        Assert.Equal(StrayFenceResult.Fenced, _outcomes.ExpectMsg<StrayFenceOutcome>().Result);
    }

    [Fact]
    public void Without_a_copy_of_the_stored_state_it_waits_for_one_and_an_older_copy_never_replaces_a_newer()
    {
        var fencer = Sys.ActorOf(StrayPrimaryFencer.Props(Options(), "sfo3", _majority, _servers, store: null, mediator: null, _clock));

        fencer.Tell(Primary("pg-nyc1"));
        _outcomes.ExpectNoMsg(Quiet);
        Assert.Equal(0, _majority.Reads);

        fencer.Tell(new StrayPrimaryFencer.UseState(Ams3At12));
        fencer.Tell(new StrayPrimaryFencer.UseState(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }));   // arrives late
        fencer.Tell(Primary("pg-nyc1"));
        Assert.Equal(StrayFenceResult.Fenced, _outcomes.ExpectMsg<StrayFenceOutcome>().Result);
    }

    [Fact]
    public void It_subscribes_to_the_observations_topic()
    {
        var mediator = CreateTestProbe();

        Fencer(mediator: mediator.Ref);

        Assert.Equal(ObservationStore.Topic, mediator.ExpectMsg<Subscribe>().Topic);
    }
}
