using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Api;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;
using Mesh.Node.Demo;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// What every scenario does around its fault: a ready mesh with writers running before, and after it the
/// numbers the issue asks of each run (double primaries seen, acknowledged writes lost, promotions, DNS changes),
/// printed and kept with the measurements.
/// </summary>
internal static class ChaosRun
{
    /// <summary>Until every node is Up in the witness's view, the coordinator idle with nyc1 active and guarded, and ams3 eligible.</summary>
    public static async Task AwaitReadyAsync(ChaosShop shop)
    {
        var last = "no answer";
        await Eventually.UntilAsync(async () =>
        {
            var cluster = await shop.GetAsync<ClusterView>("sfo3-w", "api/v1/cluster");
            var status = await shop.GetAsync<FailoverStatus>("sfo3-w", "api/v1/failover");
            last = $"members {string.Join(", ", cluster?.Members.Select(m => $"{m.Node} {m.Status}") ?? [])}; phase {status?.Phase}, guarded {status?.Guarded}, " +
                   $"readiness {string.Join("; ", status?.Readiness.Select(r => $"{r.Region} {r.Eligible} {string.Join(", ", r.Reasons)}") ?? [])}";
            return cluster?.Members.Count(m => m.Status == "Up") == ChaosMesh.Layout.Length && status is { Phase: Phases.Idle, ActiveRegion: ChaosShop.Active, Guarded: true }
                && status.Readiness.Any(r => r is { Region: ChaosShop.Standby, Eligible: true });
        }, TimeSpan.FromSeconds(120), () => $"the mesh is ready: {last}; logs in {shop.Root}");
    }

    /// <summary>Writers running and acknowledged at least once each.</summary>
    public static async Task StartWritingAsync(ChaosShop shop)
    {
        shop.StartWriters();
        await Eventually.UntilAsync(() => Task.FromResult(shop.Acknowledged().Select(a => a.Id.Split('-')[1]).Distinct().Count() == 2),
            TimeSpan.FromSeconds(30), $"both writers' writes are acknowledged; logs in {shop.Root}");
    }

    /// <summary>Until a failover to ams3 completed and the record reads ams3's value; the time from <paramref name="faultAt"/>.</summary>
    public static Task<TimeSpan> AwaitFailoverAsync(ChaosShop shop, DateTimeOffset faultAt, TimeSpan timeout) =>
        AwaitMovedAsync(shop, ChaosShop.Standby, faultAt, timeout);

    /// <summary>Until a move to <paramref name="to"/> completed and the record reads its value; the time from <paramref name="since"/>.</summary>
    public static async Task<TimeSpan> AwaitMovedAsync(ChaosShop shop, string to, DateTimeOffset since, TimeSpan timeout)
    {
        FailoverStatus? status = null;
        await Eventually.UntilAsync(async () =>
        {
            status = await shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover") ?? status;
            return status is { Phase: Phases.Completed } && status.ActiveRegion == to && shop.RecordValue() == LocalMeshConfig.RegionValues[to];
        }, timeout, () => $"a move to {to} completes; last: {status?.Phase} {string.Join("; ", status?.BlockedReasons ?? [])}; logs in {shop.Root}");
        return DateTimeOffset.UtcNow - since;
    }

    /// <summary>
    /// Long enough for anything a fault was going to cause to have happened: failure detection and StableAfter
    /// (about 7 s in the lab's timings), a lease that stopped being renewed running out (Duration 15 s), the
    /// coordinator's confirmation and a few poll rounds.
    /// </summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After a fault that must not move the shop: nothing moved within the quiet window, and nyc1 takes writes at
    /// the end (a guard that fenced it was lifted by a recorded unfence).
    /// </summary>
    public static async Task<Outcome> AssertNothingMovedAsync(ChaosShop shop, string scenario)
    {
        await Task.Delay(QuietWindow);
        await Eventually.UntilAsync(() => shop.TakesWritesAsync(ChaosShop.Active), TimeSpan.FromSeconds(60),
            $"nyc1's PostgreSQL takes writes again (no lasting fence); logs in {shop.Root}");
        var status = await shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover");
        var outcome = await FinishAsync(shop, scenario, ChaosShop.Active);
        Assert.Equal(ChaosShop.Active, status?.ActiveRegion);
        Assert.Equal(0, outcome.Promotions);
        Assert.Equal(0, outcome.DnsChanges);
        Assert.Equal(0, outcome.DoublePrimaries);
        Assert.Equal(LocalMeshConfig.RegionValues[ChaosShop.Active], shop.RecordValue());
        return outcome;
    }

    public sealed record Outcome(int DoublePrimaries, int AcknowledgedByBoth, int LostWrites, int Promotions, int DnsChanges, IReadOnlyList<HistoryView> History)
    {
        /// <summary>The issue's pass line for a failover: never two writable primaries, nothing acknowledged by both, one promotion, one DNS change.</summary>
        public void AssertFailedOverOnce() =>
            Assert.Equal((DoublePrimaries: 0, AcknowledgedByBoth: 0, Promotions: 1, DnsChanges: 1), (DoublePrimaries, AcknowledgedByBoth, Promotions, DnsChanges));
    }

    /// <summary>Stops the writers and counts what the run must report; prints one line for the scenario table.</summary>
    public static async Task<Outcome> FinishAsync(ChaosShop shop, string scenario, string primaryNow, params (string Name, TimeSpan Value)[] timings)
    {
        await shop.StopWritersAsync();
        var history = await shop.AskAnyAsync<List<HistoryView>>(null, "api/v1/failover/history") ?? [];
        var lost = await shop.LostWritesAsync(primaryNow);
        var outcome = new Outcome(shop.DoublePrimaries.Count, shop.AcknowledgedByBoth(), lost.Count,
            history.Count(h => h.Kind is DecisionKinds.Failover or DecisionKinds.Switchover), shop.DnsChanges, history);
        foreach (var (name, value) in timings) Measurements.Record($"chaos {scenario}: {name}", value);
        var line = $"chaos {scenario}: double primaries {outcome.DoublePrimaries}, acknowledged by both {outcome.AcknowledgedByBoth}, " +
                   $"acknowledged writes lost {outcome.LostWrites} of {shop.Acknowledged().Count}, promotions {outcome.Promotions}, DNS changes {outcome.DnsChanges}";
        Console.WriteLine(line);
        if (Environment.GetEnvironmentVariable("MESH_MEASUREMENTS_FILE") is { Length: > 0 } file) File.AppendAllText(file, line + Environment.NewLine);
        return outcome;
    }
}
