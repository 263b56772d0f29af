using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 5, last bullet: when the coordinator lifts a fence its active region's guards put on themselves.</summary>
public sealed class UnfencePolicyTests
{
    private static readonly Epoch Stored = new(14, "c1");

    private static readonly UnfenceInput AllMet = new("nyc1", MoveInProgress: false, Paused: false, UpVotes: ["ams3", "nyc1", "sfo3"], Quorum: 2,
        NotInRecovery: [], LeaseHolders: ["nyc1-a"], LiftsWithinCooldown: 0);

    [Fact]
    public void With_every_precondition_met_the_fence_is_lifted()
    {
        var v = UnfencePolicy.Decide(AllMet with { UpVotes = ["ams3", "sfo3"], LeaseHolders = ["nyc1-a", "nyc1-b"], LiftsWithinCooldown = UnfencePolicy.MaxLifts - 1 }, Stored);

        Assert.True(v.Lift);
        Assert.Equal(["nyc1 fenced itself; 2 regions vote it up, every other PostgreSQL is a standby or fenced away, and nyc1-a, nyc1-b hold a lease again"], v.Reasons);
    }

    public static TheoryData<string, UnfenceInput, string> Blocked => new()
    {
        { "paused", AllMet with { Paused = true }, "nyc1 fenced itself and stays fenced: paused: the fence stays until resume" },
        { "a move in progress", AllMet with { MoveInProgress = true }, "nyc1 fenced itself and stays fenced: a move is in progress" },
        { "fewer than Quorum up votes", AllMet with { UpVotes = ["sfo3"] }, "nyc1 fenced itself and stays fenced: only 1 regions vote nyc1 up (sfo3); Quorum is 2" },
        { "a PostgreSQL elsewhere not in recovery", AllMet with { NotInRecovery = ["pg-ams3 read as primary 2 s ago"] },
            "nyc1 fenced itself and stays fenced: not every other PostgreSQL server reads back in recovery: pg-ams3 read as primary 2 s ago" },
        { "no lease holder", AllMet with { LeaseHolders = [] }, "nyc1 fenced itself and stays fenced: no guard of nyc1 holds a lease" },
    };

    [Theory]
    [MemberData(nameof(Blocked))]
    public void Each_precondition_blocks_the_lift_with_its_reason(string why, UnfenceInput input, string reason)
    {
        var v = UnfencePolicy.Decide(input, Stored);

        Assert.False(v.Lift, why);
        Assert.Equal([reason], v.Reasons);
    }

    [Fact]
    public void Every_unmet_precondition_is_named()
    {
        var v = UnfencePolicy.Decide(AllMet with { Paused = true, LeaseHolders = [], UpVotes = [] }, Stored);

        Assert.False(v.Lift);
        Assert.Equal(3, v.Reasons.Count);
    }

    [Fact]
    public void After_MaxLifts_within_Cooldown_lifting_needs_an_operator()
    {
        var v = UnfencePolicy.Decide(AllMet with { LiftsWithinCooldown = UnfencePolicy.MaxLifts }, Stored);

        Assert.Equal(3, UnfencePolicy.MaxLifts);
        Assert.False(v.Lift);
        var reason = Assert.Single(v.Reasons);
        Assert.Contains("unfenced 3 times within Cooldown", reason, StringComparison.Ordinal);
        Assert.Contains("lifting needs an operator", reason, StringComparison.Ordinal);
        Assert.Contains("POST /api/v1/failover/adopt with activeRegion nyc1 and epoch 14", reason, StringComparison.Ordinal);
    }
}
