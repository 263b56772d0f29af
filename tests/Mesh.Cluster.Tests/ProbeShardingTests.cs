using Akka.Actor;
using Akka.Cluster.Sharding;
using Mesh.Actors.Probes;
using Mesh.Contracts.Probes;

namespace Mesh.Cluster.Tests;

/// <summary>Every region probes every target, on its own nodes; any node answers for all regions.</summary>
public sealed class ProbeShardingTests() : ThreeRegionClusterTest(throttled: false)
{
    [Fact]
    public async Task Every_target_is_probed_from_every_region_and_any_node_answers_for_all()
    {
        await AwaitAllUpAsync();
        var asker = Nodes.Single(n => n.Region == "sfo3");

        foreach (var region in TestMesh.Layout.Select(l => l.Region))
        foreach (var target in TestMesh.Targets)
        {
            var state = await AwaitStateAsync(asker, region, target.Id!, s => s.Observed.Status == ProbeStatus.Healthy);
            Assert.Equal(region, state.Observed.Vantage);
        }

        // Each region's probes live on that region's node only; the others hold proxies.
        foreach (var node in Nodes)
        foreach (var region in TestMesh.Layout.Select(l => l.Region))
        {
            var entities = await LocalEntitiesAsync(node, region);
            Assert.Equal(region == node.Region ? TestMesh.Targets.Select(t => t.Id!).Order() : [], entities.Order());
        }
    }

    internal static async Task<ProbeState> AwaitStateAsync(TestNode asker, string region, string targetId, Func<ProbeState, bool> condition)
    {
        ProbeState? state = null;
        await TestMesh.AwaitAsync(async () =>
        {
            try
            {
                state = await ClusterSharding.Get(asker.System).ShardRegion(ProbeShards.TypeName(region))
                    .Ask<ProbeState>(new GetProbeState(targetId), TimeSpan.FromSeconds(1));
                return condition(state);
            }
            catch (AskTimeoutException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), $"{targetId} probed from {region}");
        return state!;
    }

    internal static async Task<IReadOnlyList<string>> LocalEntitiesAsync(TestNode node, string region)
    {
        var shardRegion = ClusterSharding.Get(node.System).ShardRegion(ProbeShards.TypeName(region));
        var state = await shardRegion.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(3));
        return state.Shards.SelectMany(s => s.EntityIds).ToList();
    }
}
