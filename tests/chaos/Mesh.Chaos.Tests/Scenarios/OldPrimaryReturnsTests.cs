using Mesh.Chaos.Tests.Lab;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>Scenario (10): after the failover of a killed region its droplets are powered on again and its old primaries come back as primaries; the mesh fences them.</summary>
public sealed class OldPrimaryReturnsTests() : ChaosScenario("old-primary")
{
    [Fact]
    public async Task The_old_primary_coming_back_after_a_failover_is_fenced_and_takes_no_acknowledged_write()
    {
        await ReadyAndWritingAsync();
        var faultAt = DateTimeOffset.UtcNow;
        await Shop.KillRegionAsync(ChaosShop.Active);
        await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(120));

        // The region's machines come back: droplets on, PostgreSQL and Redis as they were (primaries), no mesh node there.
        await Shop.PowerOnAsync(ChaosShop.Active);
        var backAt = DateTimeOffset.UtcNow;
        await Shop.Servers.RestartAsync($"pg-{ChaosShop.Active}");
        await Shop.Servers.RestartAsync($"redis-{ChaosShop.Active}");
        await Eventually.UntilAsync(async () => !await Shop.TakesWritesAsync(ChaosShop.Active) && !await Shop.Servers.RedisTakesWritesAsync(ChaosShop.Active),
            TimeSpan.FromSeconds(60), $"the returned old primaries are fenced; logs in {Shop.Root}");
        var fenced = DateTimeOffset.UtcNow - backAt;
        await Task.Delay(TimeSpan.FromSeconds(3));

        var outcome = await ChaosRun.FinishAsync(Shop, "(10) old primary comes back", ChaosShop.Standby, ("back to fenced", fenced));
        Assert.Equal(0, outcome.AcknowledgedByBoth);
        Assert.Equal(1, outcome.Promotions);
        Assert.False(await Shop.TakesWritesAsync(ChaosShop.Active), "the old PostgreSQL primary takes writes again");
        Assert.False(await Shop.Servers.RedisTakesWritesAsync(ChaosShop.Active), "the old Redis primary takes writes again");
        Shop.MarkPassed();
    }
}
