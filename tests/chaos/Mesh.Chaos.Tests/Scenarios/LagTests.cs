using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>Scenario (9): the standby lags more than MaxLagBytes (16 MiB) when the primary dies: the mesh blocks, naming the lag, and promotes nothing.</summary>
public sealed class LagTests() : ChaosScenario("lag")
{
    [Fact]
    public async Task A_standby_too_far_behind_when_the_primary_dies_blocks_the_failover_with_the_lag_reason()
    {
        await ReadyAndWritingAsync();

        // Replication slows to 256 kbit/s (it still streams: a standby that stopped following is another block); nyc1
        // writes about 40 MB of WAL, far more than ams3 can receive before the primary dies.
        await Shop.Lab.ThrottleAsync(ChaosShop.Active, ChaosShop.Standby, LabServers.PostgresPort, kbit: 256);
        await Shop.ExecAsync(ChaosShop.Active, "CREATE TABLE ballast (b text)");
        for (var i = 0; i < 8; i++) await Shop.ExecAsync(ChaosShop.Active, "INSERT INTO ballast SELECT repeat(md5(g::text), 32) FROM generate_series(1, 5000) g");
        FailoverStatus? status = null;
        await Eventually.UntilAsync(async () => (status = await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover"))?.Readiness
                .Any(r => r.Region == ChaosShop.Standby && r.Reasons.Any(x => x.Contains("MaxLagBytes", StringComparison.Ordinal))) == true,
            TimeSpan.FromSeconds(60), () => $"the coordinator measures ams3's lag above MaxLagBytes; readiness: {string.Join("; ", status?.Readiness.SelectMany(r => r.Reasons) ?? [])}");

        await Shop.KillRegionAsync(ChaosShop.Active);
        await Eventually.UntilAsync(async () => (status = await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover")) is { Phase: Phases.Blocked } s
                && s.BlockedReasons.Any(r => r.Contains("MaxLagBytes", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(90), () => $"the failover is blocked by the lag; last: {status?.Phase} {string.Join("; ", status?.BlockedReasons ?? [])}");
        await Task.Delay(ChaosRun.QuietWindow);

        var outcome = await ChaosRun.FinishAsync(Shop, "(9) standby lag above MaxLagBytes when the primary dies", ChaosShop.Standby);
        Assert.Equal(0, outcome.Promotions);
        Assert.Equal(0, outcome.DnsChanges);
        Assert.False(await Shop.TakesWritesAsync(ChaosShop.Standby), "ams3 was promoted");
        Assert.Contains((await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover"))!.BlockedReasons, r => r.Contains("MaxLagBytes", StringComparison.Ordinal));
        Shop.MarkPassed();
    }
}
