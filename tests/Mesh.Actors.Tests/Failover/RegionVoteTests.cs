using Mesh.Contracts.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 2: how one vantage votes on each site region.</summary>
public sealed class RegionVoteTests
{
    private static readonly VoteSettings Settings = new(new Dictionary<string, IReadOnlyList<CriticalTarget>>
    {
        ["nyc1"] = [new("pg-nyc1", TimeSpan.FromSeconds(10)), new("app-nyc1", TimeSpan.Zero)],
        ["ams3"] = [new("pg-ams3", TimeSpan.Zero)],
    }, TimeSpan.FromSeconds(5));

    private static TargetSighting Healthy(string id) => new(id, ProbeStatus.Healthy, TimeSpan.FromSeconds(1), null, false);
    private static TargetSighting Unhealthy(string id, double forSeconds, bool fenced = false) =>
        new(id, ProbeStatus.Unhealthy, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(forSeconds), fenced);

    private static RegionVerdict On(string region, params TargetSighting[] sightings) =>
        RegionVote.Vote(Settings, sightings.ToDictionary(s => s.TargetId)).Single(v => v.Region == region);

    [Fact]
    public void Up_when_every_critical_target_is_healthy()
    {
        var vote = On("nyc1", Healthy("pg-nyc1"), Healthy("app-nyc1"), Healthy("pg-ams3"));

        Assert.Equal(Verdicts.Up, vote.Verdict);
        Assert.Empty(vote.Reasons);
    }

    public static TheoryData<string, TargetSighting, string, string> Cases => new()
    {
        { "down after its grace", Unhealthy("pg-nyc1", 10), Verdicts.Down, "pg-nyc1: unhealthy for 10 s" },
        { "within its grace", Unhealthy("pg-nyc1", 9.5), Verdicts.Unknown, "pg-nyc1: unhealthy for 9.5 s, within its grace of 10 s" },
        { "a fenced primary counts as healthy", Unhealthy("pg-nyc1", 60, fenced: true), Verdicts.Up, "" },
        { "stale", Healthy("pg-nyc1") with { Age = TimeSpan.FromSeconds(6) }, Verdicts.Unknown, "pg-nyc1: last observed 6 s ago, older than ObservationMaxAge 5 s" },
        { "stale even when it looked down", Unhealthy("pg-nyc1", 60) with { Age = TimeSpan.FromSeconds(6) }, Verdicts.Unknown, "pg-nyc1: last observed 6 s ago" },
        { "not judged yet", new TargetSighting("pg-nyc1", ProbeStatus.Unknown, TimeSpan.FromSeconds(1), null, false), Verdicts.Unknown, "pg-nyc1: not judged yet" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_critical_target_decides_the_vote(string why, TargetSighting pg, string verdict, string reason)
    {
        var vote = On("nyc1", pg, Healthy("app-nyc1"), Healthy("pg-ams3"));

        Assert.True(verdict == vote.Verdict, $"{why}: {vote.Verdict} ({string.Join("; ", vote.Reasons)})");
        if (reason.Length > 0) Assert.StartsWith(reason, Assert.Single(vote.Reasons), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_observation_is_unknown() =>
        Assert.Equal(["pg-nyc1: no observation yet"], On("nyc1", Healthy("app-nyc1"), Healthy("pg-ams3")).Reasons);

    [Fact]
    public void A_confirmed_failure_is_down_even_when_another_target_is_stale()
    {
        var vote = On("nyc1", Healthy("pg-nyc1") with { Age = TimeSpan.FromMinutes(1) }, Unhealthy("app-nyc1", 4), Healthy("pg-ams3"));

        Assert.Equal((Verdicts.Down, "app-nyc1: unhealthy for 4 s"), (vote.Verdict, Assert.Single(vote.Reasons)));
    }

    [Fact]
    public void A_vantage_that_sees_every_site_region_down_votes_unknown_on_all()
    {
        var votes = RegionVote.Vote(Settings, new[] { Unhealthy("pg-nyc1", 30), Unhealthy("app-nyc1", 30), Unhealthy("pg-ams3", 30) }.ToDictionary(s => s.TargetId));

        Assert.All(votes, v => Assert.Equal(Verdicts.Unknown, v.Verdict));
        Assert.All(votes, v => Assert.StartsWith("this vantage sees every site region down", v.Reasons[0], StringComparison.Ordinal));
    }

    [Fact]
    public void A_site_region_without_critical_targets_cannot_be_judged()
    {
        var settings = Settings with { CriticalTargetsBySiteRegion = new Dictionary<string, IReadOnlyList<CriticalTarget>> { ["lon1"] = [] } };

        var vote = Assert.Single(RegionVote.Vote(settings, new Dictionary<string, TargetSighting>()));

        Assert.Equal((Verdicts.Unknown, "lon1 has no critical targets to judge it by"), (vote.Verdict, Assert.Single(vote.Reasons)));
    }
}
