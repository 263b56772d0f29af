using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Probes;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 2's mechanics: sightings on the member's own clock, the voter answering polls, and only fresh answers to our own polls counting.</summary>
public sealed class VotingTests : TestKit
{
    private static readonly VoteSettings Settings = new(new Dictionary<string, IReadOnlyList<CriticalTarget>>
    {
        ["nyc1"] = [new("pg-nyc1", TimeSpan.FromSeconds(5))],
        ["ams3"] = [new("pg-ams3", TimeSpan.Zero)],
    }, TimeSpan.FromSeconds(5));

    private static TargetObserved Seen(string vantage, string target, string status) =>
        new(vantage, target, status, null, null, null, 0, null, ProbeFacts.None);

    [Fact]
    public void Sightings_age_and_count_unhealthy_time_on_the_members_own_clock()
    {
        var clock = new FakeTimeProvider();
        var tracker = new SightingTracker(clock);

        tracker.Observe(Seen("ams3", "pg-nyc1", ProbeStatus.Unhealthy));
        clock.Advance(TimeSpan.FromSeconds(4));
        tracker.Observe(Seen("ams3", "pg-nyc1", ProbeStatus.Unhealthy));
        clock.Advance(TimeSpan.FromSeconds(2));
        var unhealthy = tracker.From("ams3")["pg-nyc1"];
        tracker.Observe(Seen("ams3", "pg-nyc1", ProbeStatus.Healthy));
        var healthy = tracker.From("ams3")["pg-nyc1"];

        Assert.Equal((TimeSpan.FromSeconds(2), (TimeSpan?)TimeSpan.FromSeconds(6)), (unhealthy.Age, unhealthy.UnhealthyFor));
        Assert.Equal((TimeSpan.Zero, (TimeSpan?)null), (healthy.Age, healthy.UnhealthyFor));
        Assert.Empty(tracker.From("sfo3"));   // another vantage's observations are not this one's
    }

    [Fact]
    public void A_primary_the_mesh_fenced_is_sighted_fenced_and_its_region_voted_up_not_down()
    {
        // Rule 2: a self-fenced active region must not look down to the votes while the coordinator can still lift the fence.
        var clock = new FakeTimeProvider();
        var tracker = new SightingTracker(clock);
        var fenced = new ProbeFacts { Role = ServerRoles.Primary, FencedByMesh = true };
        tracker.Observe(new TargetObserved("ams3", "pg-nyc1", ProbeStatus.Unhealthy, null, null, null, 3, "fenced by the mesh", fenced));
        clock.Advance(TimeSpan.FromSeconds(10));   // past its grace
        tracker.Observe(new TargetObserved("ams3", "pg-nyc1", ProbeStatus.Unhealthy, null, null, null, 13, "fenced by the mesh", fenced));
        tracker.Observe(Seen("ams3", "pg-ams3", ProbeStatus.Healthy));

        Assert.True(tracker.From("ams3")["pg-nyc1"].Fenced);
        Assert.Equal(Verdicts.Up, RegionVote.Vote(Settings, tracker.From("ams3")).Single(v => v.Region == "nyc1").Verdict);

        tracker.Observe(Seen("ams3", "pg-nyc1", ProbeStatus.Unhealthy));   // refused for another reason: no longer the mesh's fence
        Assert.False(tracker.From("ams3")["pg-nyc1"].Fenced);
        Assert.Equal(Verdicts.Down, RegionVote.Vote(Settings, tracker.From("ams3")).Single(v => v.Region == "nyc1").Verdict);
    }

    [Fact]
    public void The_voter_answers_a_poll_with_its_regions_votes_computed_now()
    {
        var clock = new FakeTimeProvider();
        var mediator = CreateTestProbe();
        var voter = Sys.ActorOf(RegionVoter.Props("ams3-a", "ams3", Settings, mediator, clock));
        mediator.ExpectMsg<Subscribe>(s => s.Topic == ObservationStore.Topic);

        voter.Tell(Seen("ams3", "pg-nyc1", ProbeStatus.Unhealthy));
        voter.Tell(Seen("ams3", "pg-ams3", ProbeStatus.Healthy));
        voter.Tell(Seen("sfo3", "pg-nyc1", ProbeStatus.Healthy));   // another region's view does not count here
        voter.Tell(new PollVotes(1, "coordinator"));
        var early = ExpectMsg<VotesAnswer>();
        clock.Advance(TimeSpan.FromSeconds(5));
        voter.Tell(Seen("ams3", "pg-nyc1", ProbeStatus.Unhealthy));
        voter.Tell(Seen("ams3", "pg-ams3", ProbeStatus.Healthy));
        voter.Tell(new PollVotes(2, "coordinator"));
        var later = ExpectMsg<VotesAnswer>();

        Assert.Equal((1L, "ams3-a", "ams3"), (early.Nonce, early.Node, early.Region));
        Assert.Equal(Verdicts.Unknown, early.Verdicts.Single(v => v.Region == "nyc1").Verdict);   // within its 5 s grace
        Assert.Equal(Verdicts.Down, later.Verdicts.Single(v => v.Region == "nyc1").Verdict);
        Assert.Equal(Verdicts.Up, later.Verdicts.Single(v => v.Region == "ams3").Verdict);
    }

    private static VotesAnswer Answer(long nonce, string node, string region, string onNyc = Verdicts.Down) =>
        new(nonce, node, region, [new RegionVerdict("nyc1", onNyc, [])]);

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private static TimeSpan S(double s) => TimeSpan.FromSeconds(s);
    private static readonly ReachableMember[] All = [new("nyc1-a", "nyc1"), new("ams3-a", "ams3"), new("sfo3-w", "sfo3")];

    [Fact]
    public void Only_answers_to_our_own_recent_polls_from_reachable_members_count()
    {
        var keeper = new RoundKeeper(MaxAge, S(30));
        var n1 = keeper.Issue(S(0), All);

        Assert.False(keeper.Accept(Answer(999, "ams3-a", "ams3"), S(0.1)));                 // a nonce we never issued (another coordinator's, or buffered)
        Assert.True(keeper.Accept(Answer(n1, "ams3-a", "ams3"), S(0.1)));
        Assert.True(keeper.Accept(Answer(n1, "sfo3-w", "sfo3"), S(0.2)));
        Assert.True(keeper.Accept(Answer(n1, "nyc1-a", "nyc1"), S(0.2)));
        var round = keeper.Close(S(1), DateTimeOffset.UnixEpoch, All.Where(m => m.Node != "nyc1-a").ToList());   // nyc1-a became unreachable

        Assert.Equal(["ams3-a", "sfo3-w"], round.Answers.Select(a => a.Node));
        Assert.Equal(["ams3", "sfo3"], round.ReachableRegions.Order());
    }

    [Fact]
    public void An_answer_to_a_poll_older_than_ObservationMaxAge_no_longer_counts()
    {
        var keeper = new RoundKeeper(MaxAge, S(30));
        var n1 = keeper.Issue(S(0), All);
        keeper.Accept(Answer(n1, "ams3-a", "ams3"), S(0.1));
        var late = keeper.Issue(S(2), All);

        var fresh = keeper.Close(S(4), DateTimeOffset.UnixEpoch, All);
        var stale = keeper.Close(S(5.5), DateTimeOffset.UnixEpoch, All);

        Assert.Single(fresh.Answers);
        Assert.Empty(stale.Answers);
        Assert.False(keeper.Accept(Answer(n1, "ams3-a", "ams3"), S(5.5)));   // arriving after its poll aged out
        Assert.True(keeper.Accept(Answer(late, "ams3-a", "ams3"), S(5.5)));
    }

    [Fact]
    public void A_late_answer_to_an_older_poll_does_not_replace_a_newer_one()
    {
        var keeper = new RoundKeeper(MaxAge, S(30));
        var n1 = keeper.Issue(S(0), All);
        var n2 = keeper.Issue(S(1), All);
        keeper.Accept(Answer(n2, "ams3-a", "ams3", Verdicts.Up), S(1.1));

        Assert.False(keeper.Accept(Answer(n1, "ams3-a", "ams3", Verdicts.Down), S(1.2)));
        Assert.Equal(Verdicts.Up, keeper.Close(S(2), DateTimeOffset.UnixEpoch, All).Answers.Single().Verdicts[0].Verdict);
    }

    [Fact]
    public void A_round_can_close_once_every_polled_member_answered_its_poll()
    {
        var keeper = new RoundKeeper(MaxAge, S(30));
        var n1 = keeper.Issue(S(0), All);
        keeper.Accept(Answer(n1, "ams3-a", "ams3"), S(0.01));
        keeper.Accept(Answer(n1, "sfo3-w", "sfo3"), S(0.02));
        var stillOpen = keeper.AllAnswered;
        keeper.Accept(Answer(n1, "nyc1-a", "nyc1"), S(0.03));

        Assert.False(stillOpen);
        Assert.True(keeper.AllAnswered);
        var round = keeper.Close(S(0.03), DateTimeOffset.UnixEpoch, All);
        Assert.Equal(3, round.Answers.Count);
        Assert.Equal(S(0), round.At);   // dated by its poll
        Assert.False(keeper.Open);

        // An answer to an older poll does not complete a newer one.
        var n2 = keeper.Issue(S(1), All);
        foreach (var m in All) keeper.Accept(Answer(n1, m.Node, m.Region), S(1.01));
        Assert.False(keeper.AllAnswered);
        Assert.True(keeper.Open);
        foreach (var m in All) keeper.Accept(Answer(n2, m.Node, m.Region), S(1.02));
        Assert.True(keeper.AllAnswered);
    }

    [Fact]
    public void Rounds_are_kept_for_the_confirmation_window_only()
    {
        var keeper = new RoundKeeper(MaxAge, S(10));
        for (var t = 0; t <= 20; t++) keeper.Close(S(t), DateTimeOffset.UnixEpoch, All);

        Assert.Equal(S(10), keeper.Rounds[0].At);
        Assert.Equal(S(20), keeper.Rounds[^1].At);
    }
}
