using Mesh.Chaos.Tests.Lab;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>Scenario (6): the active region's link flaps, down 2 s and up 2 s, for 60 s. Whatever the mesh decides, never two primaries and at most one move.</summary>
public sealed class FlappingLinkTests() : ChaosScenario("flapping")
{
    [Fact]
    public async Task A_flapping_link_to_the_active_region_never_makes_two_primaries_nor_more_than_one_move()
    {
        await ReadyAndWritingAsync();

        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until)
        {
            await Shop.Lab.IsolateAsync(ChaosShop.Active);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await Shop.Lab.RejoinAsync(ChaosShop.Active);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        await Task.Delay(ChaosRun.QuietWindow);

        var status = await Shop.AskAnyAsync<Mesh.Contracts.Failover.FailoverStatus>(null, "api/v1/failover");
        var outcome = await ChaosRun.FinishAsync(Shop, "(6) link to the active region flapping", status?.ActiveRegion ?? ChaosShop.Active);
        Assert.Equal(0, outcome.DoublePrimaries);
        Assert.Equal(0, outcome.AcknowledgedByBoth);
        Assert.InRange(outcome.Promotions, 0, 1);
        Assert.InRange(outcome.DnsChanges, 0, 1);
        Shop.MarkPassed();
    }
}
