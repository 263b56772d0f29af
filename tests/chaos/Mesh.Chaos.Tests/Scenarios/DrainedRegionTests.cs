using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;
using Mesh.Node.Demo;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (16): both of nyc1's mesh nodes are stopped with SIGTERM (they release their leases and do not fence), then
/// nyc1 is cut off with its servers still running. Without guards nothing proves nyc1's primary fenced but powering its
/// droplets off: the mesh must not promote on any weaker evidence, and with the power-off it moves once.
/// </summary>
public sealed class DrainedRegionTests() : ChaosScenario("drained")
{
    [Fact]
    public async Task A_region_whose_nodes_left_and_then_cut_off_is_promoted_only_on_power_off_evidence()
    {
        await ReadyAndWritingAsync();

        foreach (var node in Shop.Mesh.Processes.Where(p => ChaosMesh.Region(p.Key) == ChaosShop.Active).Select(p => p.Value).ToList())
            await node.StopAsync(TimeSpan.FromSeconds(30));
        var faultAt = DateTimeOffset.UtcNow;
        await Shop.Lab.IsolateAsync(ChaosShop.Active);
        var recovered = await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var outcome = await ChaosRun.FinishAsync(Shop, "(16) nodes stopped with SIGTERM, then the region cut off", ChaosShop.Standby, ("cut to DNS switched", recovered));
        Assert.Equal(FenceEvidence.PowerOff, Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover).FencedBy);
        Assert.All(Shop.DigitalOcean.Droplets[ChaosShop.Active], id => Assert.Equal("off", Shop.DigitalOcean.StandIn.DropletStatus(id)));
        Assert.Equal(0, outcome.DoublePrimaries);
        Assert.Equal(0, outcome.AcknowledgedByBoth);
        Assert.Equal(1, outcome.Promotions);
        Assert.Equal(LocalMeshConfig.RegionValues[ChaosShop.Standby], Shop.RecordValue());
        Shop.MarkPassed();
    }
}
