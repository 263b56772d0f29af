using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>Scenario (1): the whole active region dies at once (every process in its namespace gets SIGKILL).</summary>
[Trait("chaos", "short")]
public sealed class ActiveRegionKilledTests : IAsyncLifetime
{
    private ChaosShop _shop = null!;

    public async Task InitializeAsync() => _shop = await ChaosShop.StartAsync("region-killed");

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Fact]
    public async Task The_whole_active_region_killed_is_failed_over_once_with_never_two_primaries()
    {
        await ChaosRun.AwaitReadyAsync(_shop);
        await ChaosRun.StartWritingAsync(_shop);

        var faultAt = DateTimeOffset.UtcNow;
        foreach (var p in _shop.Mesh.Processes.Where(p => ChaosMesh.Region(p.Key) == ChaosShop.Active)) await p.Value.KillAsync();
        foreach (var p in _shop.Servers.Processes.Where(p => p.Key.EndsWith(ChaosShop.Active, StringComparison.Ordinal))) await p.Value.KillAsync();
        var recovered = await ChaosRun.AwaitFailoverAsync(_shop, faultAt, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(3));   // the writers go on through the new region for a while

        var outcome = await ChaosRun.FinishAsync(_shop, "(1) active region killed", ChaosShop.Standby, ("kill to DNS switched", recovered));
        Assert.Equal(0, outcome.DoublePrimaries);
        Assert.Equal(0, outcome.AcknowledgedByBoth);
        Assert.Equal(1, outcome.Promotions);
        Assert.Equal(1, outcome.DnsChanges);
        Assert.Equal(FenceEvidence.PowerOff, Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover).FencedBy);
        _shop.MarkPassed();
    }
}
