using Akka.Cluster;

namespace Mesh.Cluster.Tests;

/// <summary>A real partition, made with Akka.Remote's throttle transport adapter: the isolated region's links are blackholed both ways.</summary>
public sealed class PartitionTests() : ThreeRegionClusterTest(throttled: true, serializeMessages: false)
{
    [Fact]
    public async Task An_isolated_region_is_downed_by_the_majority_downs_itself_and_the_coordinator_moves_to_the_majority()
    {
        await AwaitAllUpAsync();
        var coordinator = (await AwaitCoordinatorsAsync(Nodes, TimeSpan.FromSeconds(120)))[0];

        // Isolate the region that hosts the coordinator, so the singleton has to move.
        var isolated = Nodes.Single(n => n.Address.ToString() == coordinator);
        var majority = Nodes.Where(n => n != isolated).ToList();
        foreach (var other in majority)
        {
            Assert.True(await isolated.BlackholeAsync(other));
            Assert.True(await other.BlackholeAsync(isolated));
        }

        // The isolated node sees a majority unreachable, downs itself and shuts down its actor system.
        var terminated = await Task.WhenAny(isolated.System.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(isolated.System.WhenTerminated, terminated);

        // The majority removes it and keeps running with both remaining regions Up.
        await TestMesh.AwaitAsync(
            () => majority.All(n => n.Cluster.State.Members.All(m => m.Address != isolated.Address)
                                    && n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2),
            TimeSpan.FromSeconds(60), "the majority removes the isolated node");

        var now = await AwaitCoordinatorsAsync(majority, TimeSpan.FromSeconds(120));
        Assert.Single(now.Distinct());
        Assert.Contains(now[0], majority.Select(n => n.Address.ToString()));
    }

}
