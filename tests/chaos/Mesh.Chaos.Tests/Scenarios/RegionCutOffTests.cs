using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>Scenario (2): the active region cut off from both others (its region link down; everything in it keeps running).</summary>
[Trait("chaos", "short")]
public sealed class RegionCutOffTests : IAsyncLifetime
{
    private ChaosShop _shop = null!;

    public async Task InitializeAsync() => _shop = await ChaosShop.StartAsync("region-cut-off");

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task The_active_region_cut_off_is_failed_over_once_and_its_primary_never_takes_writes_beside_the_new_one()
    {
        await ChaosRun.AwaitReadyAsync(_shop);
        await ChaosRun.StartWritingAsync(_shop);

        var faultAt = DateTimeOffset.UtcNow;
        await _shop.Lab.IsolateAsync(ChaosShop.Active);
        var recovered = await ChaosRun.AwaitFailoverAsync(_shop, faultAt, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var outcome = await ChaosRun.FinishAsync(_shop, "(2) active region cut off", ChaosShop.Standby, ("cut to DNS switched", recovered));
        Assert.Equal(0, outcome.DoublePrimaries);
        Assert.Equal(0, outcome.AcknowledgedByBoth);
        Assert.Equal(1, outcome.Promotions);
        Assert.Equal(1, outcome.DnsChanges);
        Assert.False(await _shop.TakesWritesAsync(ChaosShop.Active), "nyc1's PostgreSQL still takes writes after the failover");
        _shop.MarkPassed();
    }
}
