using Mesh.Contracts.Failover;
using Mesh.Actors.Failover.Policy;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 2: one vote per region; members that disagree make it unknown.</summary>
public sealed class VoteTallyTests
{
    private static MemberVotes M(string node, string region, string verdict) => new(node, region, [new RegionVerdict("nyc1", verdict, [$"{node} reason"])]);

    [Fact]
    public void Members_that_agree_give_their_region_one_vote()
    {
        var votes = VoteTally.Combine([M("ams3-a", "ams3", Verdicts.Down), M("ams3-b", "ams3", Verdicts.Down), M("sfo3-w", "sfo3", Verdicts.Up)]);

        Assert.Equal(2, votes.Count);
        Assert.Equal(Verdicts.Down, votes["ams3"]["nyc1"].Verdict);
        Assert.Equal(Verdicts.Up, votes["sfo3"]["nyc1"].Verdict);
    }

    [Fact]
    public void Members_that_disagree_make_their_region_unknown_and_say_who_said_what()
    {
        var votes = VoteTally.Combine([M("ams3-b", "ams3", Verdicts.Up), M("ams3-a", "ams3", Verdicts.Down)]);

        var vote = votes["ams3"]["nyc1"];
        Assert.Equal(Verdicts.Unknown, vote.Verdict);
        Assert.Equal("the region's members disagree: ams3-a says down, ams3-b says up", Assert.Single(vote.Reasons));
    }
}
