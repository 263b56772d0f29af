using Akka.Cluster;
using Mesh.Actors.Hosting.Downing;

namespace Mesh.Cluster.Tests;

/// <summary>
/// SPEC 6 rule 12 end to end: one inter-region link cut (both ways, with the throttle adapter) while
/// both ends still reach the third region. Akka's stock resolver would down both ends (they are
/// indirectly connected); the region-aware provider downs exactly one.
/// </summary>
public sealed class LinkCutTests() : ThreeRegionClusterTest(throttled: true, serializeMessages: false)
{
    [Fact]
    public async Task A_cut_between_ams3_and_sfo3_downs_one_end_only_and_nyc1_stays()
    {
        await AwaitAllUpAsync();
        var nyc1 = Nodes.Single(n => n.Region == "nyc1");
        var ams3 = Nodes.Single(n => n.Region == "ams3");
        var sfo3 = Nodes.Single(n => n.Region == "sfo3");

        // In 1 + 1 + 1 both survivors' candidates, {nyc1, ams3} and {nyc1, sfo3}, have two members and hold
        // nyc1, so member order decides; ask the decision which end that is for these ports.
        var members = Nodes.Select(n => new DowningMember(DowningMemberId.Of(n.Cluster.SelfUniqueAddress), n.Region, Counted: true)).ToList();
        var cut = new[] { new UnreachableObservation(Id(ams3), Id(sfo3)), new UnreachableObservation(Id(sfo3), Id(ams3)) };
        var expected = RegionAwareDowning.Decide(new DowningView(members, cut, ["nyc1", "ams3", "sfo3"], "nyc1"));
        var downed = Nodes.Single(n => Id(n) == Assert.Single(expected.Down));
        var kept = new[] { nyc1, downed == ams3 ? sfo3 : ams3 };

        Assert.True(await ams3.BlackholeAsync(sfo3));
        Assert.True(await sfo3.BlackholeAsync(ams3));

        var terminated = await Task.WhenAny(downed.System.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(downed.System.WhenTerminated, terminated);
        await TestMesh.AwaitAsync(
            () => kept.All(n => n.Cluster.State.Members.All(m => m.Address != downed.Address)
                                && n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2
                                && n.Cluster.State.Unreachable.Count == 0),
            TimeSpan.FromSeconds(60), "nyc1 and the kept end remove the downed end and reach each other");
        Assert.All(kept, n => Assert.False(n.System.WhenTerminated.IsCompleted, $"{n.Name} was downed too"));
    }

    private static string Id(TestNode node) => DowningMemberId.Of(node.Cluster.SelfUniqueAddress);
}
