using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// The database-crash case beside Patroni's (bench/patroni.md): nyc1's PostgreSQL postmaster killed (SIGKILL), the
/// region's mesh nodes alive. The shop must move to ams3 once; with the primary dead only its droplet's power-off
/// can prove the fence.
/// </summary>
public sealed class DatabaseCrashTests() : ChaosScenario("db-crash")
{
    [Fact]
    public async Task The_active_regions_database_crashed_is_failed_over_once_on_power_off_evidence()
    {
        await ReadyAndWritingAsync();
        var faultAt = DateTimeOffset.UtcNow;
        await Shop.Servers.Processes[$"pg-{ChaosShop.Active}"].KillAsync();
        var recovered = await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var outcome = await ChaosRun.FinishAsync(Shop, "database crashed in nyc1", ChaosShop.Standby, ("crash to DNS switched", recovered));
        Assert.Equal(FenceEvidence.PowerOff, Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover).FencedBy);
        outcome.AssertFailedOverOnce();
        Shop.MarkPassed();
    }
}
