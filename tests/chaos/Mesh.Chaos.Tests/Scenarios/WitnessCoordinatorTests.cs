using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Api;
using Mesh.Contracts.Failover;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (1) with the coordinator on the witness (the witness started oldest, as the README's topology advises):
/// the region lost is not the coordinator's, so no singleton hand-over stands between the loss and the decision.
/// Like for like with Patroni's run, whose coordination service (etcd) outlives the killed node.
/// </summary>
public sealed class WitnessCoordinatorTests() : ChaosScenario("failover-witness", ChaosShop.Witness)
{
    [Fact]
    public async Task The_whole_active_region_killed_under_a_witness_coordinator_is_failed_over_once()
    {
        var outcome = await FailOverAsync("(1) active region killed, coordinator on the witness", "kill", async () =>
        {
            var cluster = await Shop.AskAnyAsync<ClusterView>(null, "api/v1/cluster");
            Assert.Equal("sfo3-w", cluster?.CoordinatorNode);
            await Shop.KillRegionAsync(ChaosShop.Active);
        });

        Assert.Equal(FenceEvidence.PowerOff, Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover).FencedBy);
        Shop.MarkPassed();
    }
}
