using Mesh.Chaos.Tests.Lab;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>Scenario (10): after the failover of a killed region its droplets are powered on again and its old primaries come back as primaries; the mesh fences them.</summary>
public sealed class OldPrimaryReturnsTests : IAsyncLifetime
{
    private ChaosShop _shop = null!;

    public async Task InitializeAsync() => _shop = await ChaosShop.StartAsync("old-primary");

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task The_old_primary_coming_back_after_a_failover_is_fenced_and_takes_no_acknowledged_write()
    {
        await ChaosRun.AwaitReadyAsync(_shop);
        await ChaosRun.StartWritingAsync(_shop);
        var faultAt = DateTimeOffset.UtcNow;
        foreach (var p in _shop.Mesh.Processes.Where(p => ChaosMesh.Region(p.Key) == ChaosShop.Active)) await p.Value.KillAsync();
        foreach (var p in _shop.Servers.Processes.Where(p => p.Key.EndsWith(ChaosShop.Active, StringComparison.Ordinal))) await p.Value.KillAsync();
        await ChaosRun.AwaitFailoverAsync(_shop, faultAt, TimeSpan.FromSeconds(120));

        // The region's machines come back: droplets on, PostgreSQL and Redis as they were (primaries), no mesh node there.
        await _shop.PowerOnAsync(ChaosShop.Active);
        var backAt = DateTimeOffset.UtcNow;
        await _shop.Servers.RestartAsync($"pg-{ChaosShop.Active}");
        await _shop.Servers.RestartAsync($"redis-{ChaosShop.Active}");
        await Eventually.UntilAsync(async () => !await _shop.TakesWritesAsync(ChaosShop.Active) && !await _shop.Servers.RedisTakesWritesAsync(ChaosShop.Active),
            TimeSpan.FromSeconds(60), $"the returned old primaries are fenced; logs in {_shop.Root}");
        var fenced = DateTimeOffset.UtcNow - backAt;
        await Task.Delay(TimeSpan.FromSeconds(3));

        var outcome = await ChaosRun.FinishAsync(_shop, "(10) old primary comes back", ChaosShop.Standby, ("back to fenced", fenced));
        Assert.Equal(0, outcome.AcknowledgedByBoth);
        Assert.Equal(1, outcome.Promotions);
        Assert.False(await _shop.TakesWritesAsync(ChaosShop.Active), "the old PostgreSQL primary takes writes again");
        Assert.False(await _shop.Servers.RedisTakesWritesAsync(ChaosShop.Active), "the old Redis primary takes writes again");
        _shop.MarkPassed();
    }
}
