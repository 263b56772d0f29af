using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>Scenarios (1) and (2): the active region lost, as a whole or by being cut off; the shop must move to ams3 once, never with two primaries.</summary>
[Trait("chaos", "short")]
public sealed class FailoverScenarioTests() : ChaosScenario("failover")
{
    [Fact]
    public async Task The_whole_active_region_killed_is_failed_over_once_with_never_two_primaries()
    {
        var outcome = await FailOverAsync("(1) active region killed", "kill", async () =>
        {
            await Shop.KillRegionAsync(ChaosShop.Active);
        });

        Assert.Equal(FenceEvidence.PowerOff, Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover).FencedBy);
        Shop.MarkPassed();
    }

    [Fact]
    public async Task The_active_region_cut_off_is_failed_over_once_and_its_primary_never_takes_writes_beside_the_new_one()
    {
        await FailOverAsync("(2) active region cut off", "cut", () => Shop.Lab.IsolateAsync(ChaosShop.Active));

        Assert.False(await Shop.TakesWritesAsync(ChaosShop.Active), "nyc1's PostgreSQL still takes writes after the failover");
        Shop.MarkPassed();
    }
}
