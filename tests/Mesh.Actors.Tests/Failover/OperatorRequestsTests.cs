using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 4's switchover and failover requests, rules 7 and 13: 202, 400 or 409 with every reason.</summary>
public sealed class OperatorRequestsTests
{
    private static readonly DateTimeOffset Wall = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private static readonly RegionReadiness Ready = new("ams3", 1024, [], []);
    private static readonly RegionReadiness Lagging = new("ams3", 99_000_000, [], ["pg-ams3 lags 99,000,000 bytes behind the active primary, more than MaxLagBytes 16,777,216 bytes"]);

    private static PollRound Round(string onNyc, string onAms)
    {
        MemberVotes M(string node, string region) => new(node, region, [new RegionVerdict("nyc1", onNyc, []), new RegionVerdict("ams3", onAms, [])]);
        return new PollRound(TimeSpan.Zero, Wall, [M("nyc1-a", "nyc1"), M("ams3-a", "ams3"), M("sfo3-w", "sfo3")], new HashSet<string> { "nyc1", "ams3", "sfo3" });
    }

    private static RequestContext Context(FailoverState? state = null, PollRound? round = null, RegionReadiness? readiness = null) =>
        new(state ?? FailoverState.Initial("nyc1"), ["ams3", "nyc1"], 2, round ?? Round(Verdicts.Up, Verdicts.Up), readiness ?? Ready, Wall);

    private static readonly FailoverState Moving = FailoverState.Initial("nyc1") with
    {
        Phase = Phases.Promoting, Move = new Move("failover", "nyc1", "ams3", new Epoch(4, "c"), Wall, "r", null, false, false, []),
    };

    [Fact]
    public void A_switchover_to_a_healthy_following_standby_is_accepted() =>
        Assert.Equal(202, OperatorRequests.CheckSwitchover(Context(), new SwitchoverRequest("ams3", false)).Status);

    public static TheoryData<string, RequestContext, SwitchoverRequest, int, string> SwitchoverRefusals => new()
    {
        { "unknown region", Context(), new("lon1", false), 400, "'lon1' is not a site region (site regions: ams3, nyc1)" },
        { "already active", Context(), new("nyc1", false), 409, "nyc1 is already the active region" },
        { "a move in progress", Context(state: Moving), new("ams3", true), 409, "a failover from nyc1 to ams3 is in progress (epoch 4, phase promoting)" },
        { "target not healthy, even with force", Context(round: Round(Verdicts.Up, Verdicts.Down)), new("ams3", true), 409, "ams3 is voted up by no region, fewer than Quorum 2" },
        { "lag without force", Context(readiness: Lagging), new("ams3", false), 409, "ams3 is not eligible: pg-ams3 lags 99,000,000 bytes" },
        { "not following, even with force", Context(readiness: new RegionReadiness("ams3", null, ["pg-ams3 is not streaming from the active primary"], [])), new("ams3", true), 409, "ams3 is not eligible: pg-ams3 is not streaming" },
        { "cooldown without force", Context(state: FailoverState.Initial("nyc1") with { CooldownUntil = Wall.AddMinutes(5) }), new("ams3", false), 409, "in cooldown until 2026-11-26T03:05:00Z (force waives it)" },
    };

    [Theory]
    [MemberData(nameof(SwitchoverRefusals))]
    public void A_switchover_that_is_unsafe_is_refused_with_its_reason(string why, RequestContext c, SwitchoverRequest r, int status, string reason)
    {
        var v = OperatorRequests.CheckSwitchover(c, r);

        Assert.True(status == v.Status, $"{why}: {v.Status} {string.Join("; ", v.Reasons)}");
        Assert.Contains(v.Reasons, x => x.StartsWith(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Force_waives_the_lag_guard_and_the_cooldown_only()
    {
        var c = Context(state: FailoverState.Initial("nyc1") with { CooldownUntil = Wall.AddMinutes(5) }, readiness: Lagging);

        Assert.Equal(202, OperatorRequests.CheckSwitchover(c, new SwitchoverRequest("ams3", Force: true)).Status);
    }

    [Fact]
    public void A_failover_from_a_down_region_is_accepted_and_lag_needs_acceptDataLoss()
    {
        var down = Round(Verdicts.Down, Verdicts.Up);

        Assert.Equal(202, OperatorRequests.CheckFailover(Context(round: down), new FailoverRequest("ams3", false, false)).Status);
        Assert.Equal(409, OperatorRequests.CheckFailover(Context(round: down, readiness: Lagging), new FailoverRequest("ams3", false, false)).Status);
        Assert.Equal(202, OperatorRequests.CheckFailover(Context(round: down, readiness: Lagging), new FailoverRequest("ams3", AcceptDataLoss: true, false)).Status);
    }

    [Fact]
    public void A_failover_from_a_region_voted_up_is_refused_in_favour_of_a_switchover()
    {
        var v = OperatorRequests.CheckFailover(Context(), new FailoverRequest("ams3", true, true));

        Assert.Equal(409, v.Status);
        Assert.Equal(["nyc1 is voted up by ams3, nyc1, sfo3: use a switchover, which loses nothing"], v.Reasons);
    }

    [Fact]
    public void An_operator_may_fail_over_without_a_quorum_but_never_into_a_region_seen_down()
    {
        // Two regions, nyc1 lost: only ams3 answers, and it sees itself up.
        var lost = new PollRound(TimeSpan.Zero, Wall, [new MemberVotes("ams3-a", "ams3", [new RegionVerdict("nyc1", Verdicts.Down, []), new RegionVerdict("ams3", Verdicts.Up, [])])], new HashSet<string> { "ams3" });
        var seenDown = Round(Verdicts.Down, Verdicts.Down);

        Assert.Equal(202, OperatorRequests.CheckFailover(Context(round: lost), new FailoverRequest("ams3", false, true)).Status);
        Assert.Contains("ams3 is voted down by ams3, nyc1, sfo3", OperatorRequests.CheckFailover(Context(round: seenDown), new FailoverRequest("ams3", false, true)).Reasons);
    }
}
