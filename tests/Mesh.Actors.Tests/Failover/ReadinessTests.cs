using Mesh.Actors.Failover.Policy;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 3's standby clause: all-or-nothing across groups, lag from one consistent, fresh observation.</summary>
public sealed class ReadinessTests
{
    private const long MaxLag = 16 * 1024 * 1024;
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private static StandbyEvidence Pg(long? lag = 1000, bool inRecovery = true, bool follows = true, double ageSeconds = 1, string? problem = null) =>
        new("main-db", "postgres", "pg-ams3", inRecovery, follows, lag, TimeSpan.FromSeconds(ageSeconds), problem);

    private static StandbyEvidence Redis(long? lag = 10) => new("cache", "redis", "redis-ams3", true, true, lag, TimeSpan.FromSeconds(1));

    private static RegionReadiness Evaluate(params StandbyEvidence[] members) =>
        Readiness.Evaluate("ams3", ["main-db", "cache"], members, MaxLag, MaxAge);

    [Fact]
    public void Eligible_when_every_group_has_a_following_standby_within_the_lag_bound()
    {
        var r = Evaluate(Pg(lag: 4096), Redis(lag: 10));

        Assert.True(r.Eligible);
        Assert.Equal(4096, r.LagBytes);   // the worst of the groups: what the failover would lose
        Assert.Empty(r.Reasons);
    }

    public static TheoryData<string, StandbyEvidence, string> Ineligible => new()
    {
        { "lag", Pg(lag: MaxLag + 1), "pg-ams3 lags 16,777,217 bytes behind the active primary, more than MaxLagBytes 16,777,216 bytes" },
        { "not a standby", Pg(inRecovery: false), "pg-ams3 is not a standby" },
        { "not following", Pg(follows: false), "pg-ams3 is not streaming from the active primary" },
        { "lag unknown", Pg(lag: null), "pg-ams3: lag unknown (no consistent observation of it and the active primary)" },
        { "stale lag", Pg(ageSeconds: 6), "pg-ams3: its lag was last measured 6 s before the active primary was last seen, more than ObservationMaxAge 5 s" },
        { "problem", Pg(problem: "timeline 3, the active primary is on 4"), "pg-ams3: timeline 3, the active primary is on 4" },
    };

    [Theory]
    [MemberData(nameof(Ineligible))]
    public void One_bad_group_makes_the_whole_region_ineligible(string why, StandbyEvidence pg, string reason)
    {
        var r = Evaluate(pg, Redis());

        Assert.False(r.Eligible, why);
        Assert.Equal(reason, Assert.Single(r.AllReasons));
    }

    [Fact]
    public void A_group_without_a_member_in_the_region_makes_it_ineligible() =>
        Assert.Equal(["group cache has no member in ams3"], Evaluate(Pg()).AllReasons);

    [Fact]
    public void Redis_offset_lag_is_guarded_too() =>
        Assert.False(Evaluate(Pg(), Redis(lag: MaxLag + 1)).Eligible);

    [Fact]
    public void Lag_is_kept_apart_from_the_reasons_no_operator_may_waive()
    {
        var lagging = Readiness.Evaluate("ams3", ["main-db"], [Pg(lag: MaxLag * 4)], MaxLag, MaxAge);
        var notFollowing = Readiness.Evaluate("ams3", ["main-db"], [Pg(follows: false)], MaxLag, MaxAge);

        Assert.Equal((false, true), (lagging.Eligible, lagging.EligibleIgnoringLag));
        Assert.Equal(MaxLag * 4, lagging.LagBytes);
        Assert.Equal((false, false), (notFollowing.Eligible, notFollowing.EligibleIgnoringLag));
    }
}
