using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Api;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (11): after nyc1 was cut off and failed over to ams3 (and its link came back), every mesh node goes down
/// at once (SIGKILL) and starts again, once as it was and once with the data directory of nyc1-a wiped (the oldest
/// member after a start together, so the coordinator's host), while every configuration still names nyc1 as the
/// active region. The restarted mesh must keep ams3 active under the same epoch and move nothing.
/// </summary>
public sealed class MeshRestartTests() : ChaosScenario("restart")
{
    private const string Wiped = "nyc1-a";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_whole_mesh_restarted_after_a_failover_keeps_ams3_active_under_the_same_epoch(bool wipeFirstSeed)
    {
        await ReadyAndWritingAsync();
        var cutAt = DateTimeOffset.UtcNow;
        await Shop.Lab.IsolateAsync(ChaosShop.Active);
        await ChaosRun.AwaitFailoverAsync(Shop, cutAt, TimeSpan.FromSeconds(120));
        await Shop.Lab.RejoinAsync(ChaosShop.Active);
        var before = (await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover"))!;
        var decisionsBefore = (await Shop.AskAnyAsync<List<HistoryView>>(null, "api/v1/failover/history"))!.Count;

        await Shop.Mesh.KillAllAsync();
        if (wipeFirstSeed) Directory.Delete(Shop.Mesh.DataPath(Wiped), recursive: true);
        var restartAt = DateTimeOffset.UtcNow;
        await Shop.Mesh.RestartAllAsync();
        FailoverStatus? status = null;
        await Eventually.UntilAsync(async () =>
        {
            var cluster = await Shop.GetAsync<ClusterView>("sfo3-w", "api/v1/cluster");
            status = await Shop.GetAsync<FailoverStatus>("sfo3-w", "api/v1/failover");
            return cluster?.Members.Count(m => m.Status == "Up") == ChaosMesh.Layout.Length && status is not null;
        }, TimeSpan.FromSeconds(120), () => $"the restarted mesh is Up and its coordinator answers; logs in {Shop.Root}");
        var back = DateTimeOffset.UtcNow - restartAt;
        await Task.Delay(ChaosRun.QuietWindow);

        var after = (await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover"))!;
        var outcome = await ChaosRun.FinishAsync(Shop, $"(11) whole mesh restarted after a failover{(wipeFirstSeed ? $", {Wiped}'s data wiped" : "")}",
            ChaosShop.Standby, ("restart to coordinator answering", back));
        Console.WriteLine($"chaos (11): before the restart {before.ActiveRegion} epoch {before.Epoch}, {decisionsBefore} decisions; after it {after.ActiveRegion} epoch {after.Epoch}, " +
                          $"phase {after.Phase}, decisions {string.Join(", ", outcome.History.Select(h => $"{h.Epoch} {h.Kind} {h.From}->{h.To}"))}");
        Assert.Equal(ChaosShop.Standby, after.ActiveRegion);
        // Kept: the failover and its epoch. The only decision the restart may add is lifting a fence ams3's guards put on
        // themselves when they found their timers late (a recorded unfence, under a newer epoch).
        Assert.Contains(outcome.History, h => h.Kind == DecisionKinds.Failover && h.Epoch == before.Epoch);
        Assert.All(outcome.History.Where(h => h.Epoch > before.Epoch), h => Assert.Equal((DecisionKinds.Unfence, ChaosShop.Standby), (h.Kind, h.From)));
        Assert.True(await Shop.TakesWritesAsync(ChaosShop.Standby), "ams3's PostgreSQL does not take writes after the restart");
        outcome.AssertFailedOverOnce();
        Assert.Equal(Mesh.Node.Demo.LocalMeshConfig.RegionValues[ChaosShop.Standby], Shop.RecordValue());
        Assert.Contains(Shop.Acknowledged(), a => a.Host == Shop.Lab.RegionIp(ChaosShop.Standby) && a.At > restartAt + back);
        Shop.MarkPassed();
    }
}
