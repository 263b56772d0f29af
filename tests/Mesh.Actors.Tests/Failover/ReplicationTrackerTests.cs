using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Replication;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 3: lag from one consistent observation, which must survive the primary's death.</summary>
public sealed class ReplicationTrackerTests
{
    private static readonly TargetOptions[] Targets =
    [
        new() { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db" },
        new() { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db" },
        new() { Id = "redis-nyc1", Kind = TargetKinds.Redis, Region = "nyc1", Group = "cache" },
        new() { Id = "redis-ams3", Kind = TargetKinds.Redis, Region = "ams3", Group = "cache" },
    ];

    private readonly ReplicationTracker _tracker = new(Targets, TimeSpan.FromSeconds(1));
    private static TimeSpan S(double s) => TimeSpan.FromSeconds(s);
    private static long _check;

    private static TargetObserved Obs(string vantage, string target, ProbeFacts facts, string status = ProbeStatus.Healthy) =>
        new(vantage, target, status, null, DateTimeOffset.UnixEpoch.AddSeconds(Interlocked.Increment(ref _check)), 1, 0, status == ProbeStatus.Healthy ? null : "connection refused", facts);

    private static ProbeFacts Primary(long write, long timeline = 1) => new() { Role = ServerRoles.Primary, WritePosition = write, Timeline = timeline };
    private static ProbeFacts Standby(long received, string upstream = "streaming", long timeline = 1) =>
        new() { Role = ServerRoles.Standby, ReceivePosition = received, ReplayPosition = received - 10, UpstreamStatus = upstream, Timeline = timeline };

    private StandbyEvidence Pg() => _tracker.Evidence("nyc1", "ams3").Single(e => e.TargetId == "pg-ams3");

    [Fact]
    public void Lag_is_the_primarys_write_position_minus_the_standbys_received_position_from_one_vantage()
    {
        _tracker.Observe(Obs("sfo3", "pg-nyc1", Primary(10_000)), S(10));
        _tracker.Observe(Obs("sfo3", "pg-ams3", Standby(9_000)), S(10.4));

        var e = Pg();
        Assert.Equal(("main-db", "postgres", true, true, (long?)1_000, (string?)null), (e.Group, e.Kind, e.InRecovery, e.FollowsActive, e.LagBytes, e.Problem));
    }

    [Fact]
    public void Observations_that_arrived_more_than_an_interval_apart_are_not_paired()
    {
        _tracker.Observe(Obs("sfo3", "pg-nyc1", Primary(10_000)), S(10));
        _tracker.Observe(Obs("sfo3", "pg-ams3", Standby(9_000)), S(11.5));

        Assert.Null(Pg().LagBytes);
    }

    [Fact]
    public void Two_vantages_positions_are_never_mixed()
    {
        _tracker.Observe(Obs("sfo3", "pg-nyc1", Primary(10_000)), S(10));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_000)), S(10.2));

        Assert.Null(Pg().LagBytes);
    }

    [Fact]
    public void After_the_primary_dies_the_last_pair_stands_and_says_how_long_before_the_primary_was_last_seen_it_was_taken()
    {
        _tracker.Observe(Obs("ams3", "pg-nyc1", Primary(10_000)), S(10));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_500)), S(10.3));
        _tracker.Observe(Obs("ams3", "pg-nyc1", Primary(12_000)), S(11));          // seen healthy, no standby answer in time
        _tracker.Observe(Obs("ams3", "pg-nyc1", ProbeFacts.None, ProbeStatus.Unhealthy), S(14));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_500, upstream: "waiting")), S(14.2));   // its receiver lost the primary

        var e = Pg();
        Assert.Equal((long?)2_500, e.LagBytes);   // the latest pair: 12,000 at 11 s with 9,500 at 10.3 s; the 14.2 s sighting has no partner
        Assert.Equal(0.7, e.ObservedBeforeActiveLastSeen.TotalSeconds, 3);
        Assert.True(e.FollowsActive);             // judged when the pair was taken, not after the primary died
    }

    [Fact]
    public void A_standby_that_lost_its_primary_within_an_interval_of_the_primarys_last_sighting_still_followed_it()
    {
        _tracker.Observe(Obs("ams3", "pg-nyc1", Primary(10_000)), S(10));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_500)), S(10.3));
        // The primary crashes at 10.5 s; its receiver is gone when the standby is checked next, within the interval.
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_500, upstream: "waiting")), S(10.8));
        _tracker.Observe(Obs("ams3", "pg-nyc1", ProbeFacts.None, ProbeStatus.Unhealthy), S(11));

        var e = Pg();
        Assert.True(e.FollowsActive);
        Assert.Equal((long?)500, e.LagBytes);
    }

    [Fact]
    public void A_standby_that_stopped_streaming_while_its_primary_lives_does_not_follow_it()
    {
        _tracker.Observe(Obs("ams3", "pg-nyc1", Primary(10_000)), S(10));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_500)), S(10.3));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_500, upstream: "waiting")), S(11.3));
        _tracker.Observe(Obs("ams3", "pg-nyc1", Primary(11_000)), S(11.5));   // alive after the standby stopped receiving

        Assert.False(Pg().FollowsActive);
    }

    [Fact]
    public void A_standby_on_another_timeline_does_not_follow_the_active_primary()
    {
        _tracker.Observe(Obs("sfo3", "pg-nyc1", Primary(10_000, timeline: 4)), S(10));
        _tracker.Observe(Obs("sfo3", "pg-ams3", Standby(9_000, timeline: 3)), S(10.1));

        Assert.False(Pg().FollowsActive);
    }

    [Fact]
    public void An_unhealthy_standby_is_a_problem()
    {
        _tracker.Observe(Obs("sfo3", "pg-ams3", ProbeFacts.None, ProbeStatus.Unhealthy), S(10));

        Assert.Equal("unhealthy (connection refused)", Pg().Problem);
    }

    [Fact]
    public void Redis_lag_comes_from_replication_offsets()
    {
        _tracker.Observe(Obs("nyc1", "redis-nyc1", new ProbeFacts { Role = ServerRoles.Primary, WritePosition = 5_000 }), S(10));
        _tracker.Observe(Obs("nyc1", "redis-ams3", new ProbeFacts { Role = ServerRoles.Standby, ReplayPosition = 4_990, UpstreamStatus = "up" }), S(10.2));

        var e = _tracker.Evidence("nyc1", "ams3").Single(x => x.TargetId == "redis-ams3");
        Assert.Equal(((long?)10, true), (e.LagBytes, e.FollowsActive));
        Assert.Equal(["cache", "main-db"], _tracker.Groups);
    }

    [Fact]
    public void A_tracker_that_started_after_the_primary_died_adopts_another_nodes_pair_with_its_age()
    {
        _tracker.Observe(Obs("ams3", "pg-nyc1", Primary(10_000)), S(100));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_600)), S(100.3));
        _tracker.Observe(Obs("ams3", "pg-nyc1", ProbeFacts.None, ProbeStatus.Unhealthy), S(101));
        var answer = _tracker.Export("ams3-a", S(105));
        var fresh = new ReplicationTracker(Targets, TimeSpan.FromSeconds(1));
        fresh.Observe(Obs("ams3", "pg-ams3", Standby(9_600, upstream: "waiting")), S(2));   // seen now: the standby lives, the primary is gone

        fresh.Adopt(answer, S(3));

        var e = fresh.Evidence("nyc1", "ams3").Single(x => x.TargetId == "pg-ams3");
        Assert.Equal(((long?)400, true, true, (string?)null), (e.LagBytes, e.InRecovery, e.FollowsActive, e.Problem));
        Assert.Equal(0.0, e.ObservedBeforeActiveLastSeen.TotalSeconds, 3);   // the pair was taken when the primary was last seen
        Assert.Null(new ReplicationTracker(Targets, TimeSpan.FromSeconds(1)).Evidence("nyc1", "ams3").Single(x => x.TargetId == "pg-ams3").LagBytes);
    }

    [Fact]
    public void An_adopted_pair_older_than_the_trackers_own_is_ignored_and_a_newer_one_replaces_it()
    {
        _tracker.Observe(Obs("ams3", "pg-nyc1", Primary(10_000)), S(10));
        _tracker.Observe(Obs("ams3", "pg-ams3", Standby(9_900)), S(10.2));   // own pair at 10 s: lag 100

        _tracker.Adopt(new("sfo3-w", [new("ams3", "pg-ams3", "pg-nyc1", 7_000, true, S(5))], []), S(11));   // taken at 6 s
        Assert.Equal((long?)100, Pg().LagBytes);

        _tracker.Adopt(new("sfo3-w", [new("ams3", "pg-ams3", "pg-nyc1", 300, true, S(0.5))], [new("pg-nyc1", S(0.5))]), S(11));   // taken at 10.5 s
        Assert.Equal((long?)300, Pg().LagBytes);
    }

    [Fact]
    public void Pairs_of_targets_this_node_does_not_know_are_ignored()
    {
        _tracker.Adopt(new("sfo3-w", [new("ams3", "pg-fra1", "pg-nyc1", 10, true, S(1))], [new("pg-fra1", S(1))]), S(5));

        Assert.Empty(_tracker.Export("x", S(5)).Pairs);
        Assert.Empty(_tracker.Export("x", S(5)).PrimariesLastSeen);
    }
}
