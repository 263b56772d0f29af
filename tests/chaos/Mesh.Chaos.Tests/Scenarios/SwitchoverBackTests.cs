using System.Net;
using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (12): after nyc1 was killed and failed over, the operator brings it back the README's way (machines on,
/// PostgreSQL rebuilt as a streaming standby of ams3's, Redis a replica, mesh nodes started) and asks for a planned
/// switchover back to nyc1 while the shop keeps writing. Zero acknowledged writes may be lost by the switchover.
/// </summary>
public sealed class SwitchoverBackTests() : ChaosScenario("switchover")
{
    [Fact]
    public async Task A_switchover_back_to_the_rebuilt_region_under_write_load_loses_no_acknowledged_write()
    {
        await ReadyAndWritingAsync();
        var faultAt = DateTimeOffset.UtcNow;
        await Shop.KillRegionAsync(ChaosShop.Active);
        await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(120));

        await Shop.PowerOnAsync(ChaosShop.Active);
        await Shop.Servers.RebuildAsStandbyAsync(ChaosShop.Active, ChaosShop.Standby);
        var rebuiltAt = DateTimeOffset.UtcNow;   // every write acknowledged from here on is on both servers or on neither
        await Shop.Servers.RestartAsync($"app-{ChaosShop.Active}");
        foreach (var node in ChaosMesh.Layout.Where(l => l.Region == ChaosShop.Active).Select(l => l.Node)) await Shop.Mesh.RestartAsync(node);
        FailoverStatus? status = null;
        List<RegionView>? regions = null;
        await Eventually.UntilAsync(async () =>
        {
            status = await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover") ?? status;
            regions = await Shop.AskAnyAsync<List<RegionView>>(null, "api/v1/regions") ?? regions;
            var upVotes = regions?.SingleOrDefault(r => r.Name == ChaosShop.Active)?.Verdicts.Count(v => v.Verdict == Verdicts.Up) ?? 0;
            return status?.Readiness.Any(r => r is { Region: ChaosShop.Active, Eligible: true }) == true && upVotes >= 2;
        }, TimeSpan.FromSeconds(120), () => $"nyc1 is eligible and voted up again; last: {string.Join("; ", status?.Readiness.Select(r => $"{r.Region} {r.Eligible} {string.Join(", ", r.Reasons)}") ?? [])}; " +
                                            $"votes {string.Join(", ", regions?.SingleOrDefault(r => r.Name == ChaosShop.Active)?.Verdicts.Select(v => $"{v.Vantage} {v.Verdict}") ?? [])}; logs in {Shop.Root}");

        // Within the failover's cooldown, so the operator forces it: force waives the cooldown, never the catch-up wait.
        var askedAt = DateTimeOffset.UtcNow;
        var (code, body) = await Shop.PostAsync("sfo3-w", "api/v1/failover/switchover", new { to = ChaosShop.Active, force = true });
        Assert.True(code == HttpStatusCode.Accepted, $"switchover refused: {(int)code} {body}");
        var switched = await ChaosRun.AwaitMovedAsync(Shop, ChaosShop.Active, askedAt, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(3));   // the writer goes on through nyc1

        var outcome = await ChaosRun.FinishAsync(Shop, "(12) switchover back to nyc1 under write load", ChaosShop.Active, ("asked to DNS switched", switched));
        var lost = (await Shop.LostWritesAsync(ChaosShop.Active)).ToHashSet();
        var acknowledgedSince = Shop.Acknowledged().Where(a => a.At >= rebuiltAt).ToList();
        var lostSince = acknowledgedSince.Count(a => lost.Contains(a.Id));
        var (lastOnAms3, firstOnNyc1) = (acknowledgedSince.Where(a => a.Host == Shop.Lab.RegionIp(ChaosShop.Standby)).Max(a => a.At),
            acknowledgedSince.Where(a => a.Host == Shop.Lab.RegionIp(ChaosShop.Active)).Min(a => a.At));
        Console.WriteLine($"chaos (12): {acknowledgedSince.Count} writes acknowledged since nyc1 was rebuilt, {lostSince} lost; " +
                          $"writes stopped for {(firstOnNyc1 - lastOnAms3).TotalSeconds:0.0} s (last on ams3 to first on nyc1)");
        Assert.Equal(0, lostSince);
        Assert.Contains(outcome.History, h => h.Kind == DecisionKinds.Switchover && h.To == ChaosShop.Active);
        Assert.Equal(0, outcome.DoublePrimaries);
        Assert.Equal(0, outcome.AcknowledgedByBoth);
        Assert.Equal(2, outcome.DnsChanges);
        Assert.False(await Shop.TakesWritesAsync(ChaosShop.Standby), "ams3's PostgreSQL still takes writes after the switchover");
        Shop.MarkPassed();
    }
}
