using Mesh.Contracts.Probes;

namespace Mesh.Cluster.Tests;

/// <summary>A region with two nodes: when the node that runs a probe dies, the probe moves to the other.</summary>
public sealed class ProbeHandoverTests() : ThreeRegionClusterTest(throttled: true,
    [("nyc1-a", "nyc1"), ("nyc1-b", "nyc1"), ("ams3-a", "ams3"), ("sfo3-w", "sfo3")], serializeMessages: false)
{
    [Fact]
    public async Task Killing_the_node_that_runs_a_probe_moves_it_to_the_other_node_of_its_region()
    {
        await AwaitAllUpAsync();
        var observer = Nodes.Single(n => n.Name == "ams3-a");
        foreach (var target in TestMesh.Targets)
            await ProbeShardingTests.AwaitStateAsync(observer, "nyc1", target.Id!, s => s.Observed.Status == ProbeStatus.Healthy);

        var nyc1 = Nodes.Where(n => n.Region == "nyc1").ToList();
        var owners = new Dictionary<TestNode, IReadOnlyList<string>>();
        foreach (var node in nyc1) owners[node] = await ProbeShardingTests.LocalEntitiesAsync(node, "nyc1");
        var victim = owners.First(o => o.Value.Count > 0).Key;
        var survivor = nyc1.Single(n => n != victim);

        // The victim drops off the network: to the others it is dead. The majority downs it.
        foreach (var other in Nodes.Where(n => n != victim))
        {
            await victim.BlackholeAsync(other);
            await other.BlackholeAsync(victim);
        }
        await TestMesh.AwaitAsync(() => survivor.Cluster.State.Members.All(m => m.Address != victim.Address),
            TimeSpan.FromSeconds(60), "the victim is removed");
        var removedAt = DateTimeOffset.UtcNow;

        // Every nyc1 probe now runs on the survivor, and checks again.
        await TestMesh.AwaitAsync(async () => (await ProbeShardingTests.LocalEntitiesAsync(survivor, "nyc1")).Count == TestMesh.Targets.Count,
            TimeSpan.FromSeconds(60), "the survivor runs every nyc1 probe");
        foreach (var target in TestMesh.Targets)
        {
            var state = await ProbeShardingTests.AwaitStateAsync(observer, "nyc1", target.Id!,
                s => s.Observed.LastCheck > removedAt && s.Observed.Status == ProbeStatus.Healthy);
            Assert.Equal("nyc1", state.Observed.Vantage);
        }
    }

}
