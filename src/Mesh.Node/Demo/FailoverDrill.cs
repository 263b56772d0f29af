using System.Security.Cryptography;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;

namespace Mesh.Node.Demo;

/// <summary>
/// SPEC 6's automatic failover rehearsed with real parts on this machine: the shop's PostgreSQL and Redis
/// (<see cref="LocalStack"/>), the DigitalOcean stand-in with the shop's DNS record and droplets, and three
/// <c>health-mesh run</c> processes whose own coordinator does the work once the active region's PostgreSQL
/// primary crashes. The end-to-end test checks the servers afterwards; bench/failover.sh times it.
/// </summary>
public sealed class FailoverDrill : IAsyncDisposable
{
    public const string From = LocalStack.PrimarySite;
    public const string To = LocalStack.StandbySite;

    private FailoverDrill(LocalStack stack, DemoDigitalOcean digitalOcean, LocalMesh mesh, string apiToken)
    {
        Stack = stack;
        DigitalOcean = digitalOcean;
        Mesh = mesh;
        _apiToken = apiToken;
    }

    private readonly string _apiToken;

    public LocalStack Stack { get; }
    public DemoDigitalOcean DigitalOcean { get; }
    public LocalMesh Mesh { get; }

    /// <summary>The node the drill asks: the witness's, which nothing here harms. Every node answers from the coordinator.</summary>
    public LocalNodeSpec Observer => Mesh.Nodes.Single(n => n.Region != From && n.Region != To);

    /// <summary>Starts the servers, the stand-in and the three nodes, configs and logs in <paramref name="workDir"/>; returns without waiting for the mesh.</summary>
    public static async Task<FailoverDrill> StartAsync(string workDir, CancellationToken ct)
    {
        Directory.CreateDirectory(workDir);
        var stack = await LocalStack.StartAsync(Path.Combine(workDir, "servers"), ct);
        DemoDigitalOcean? digitalOcean = null;
        try
        {
            digitalOcean = await DemoDigitalOcean.StartAsync(ct);
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            var mesh = LocalMesh.Create(workDir, LocalMeshTimings.Fast, token, digitalOcean.Endpoint, stack.Shop);
            mesh.StartAll();
            return new FailoverDrill(stack, digitalOcean, mesh, token);
        }
        catch
        {
            if (digitalOcean is not null) await digitalOcean.DisposeAsync();
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Until the mesh could fail over at once: every node Up, the coordinator idle with nyc1 active, both site
    /// regions voted up by every region, and ams3 eligible (its standbys' lag measured in one consistent observation).
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Mesh.WaitForAsync(Mesh.Nodes, v => v.Members.Count(m => m.Status == "Up") == Mesh.Nodes.Count && v.Coordinator is not null, timeout, ct);
        string last = "no answer yet";
        await LocalWait.UntilAsync(async () =>
        {
            var (status, error) = await Mesh.GetAsync<FailoverStatus>(Observer, "api/v1/failover", ct);
            var (regions, _) = await Mesh.GetAsync<List<RegionView>>(Observer, "api/v1/regions", ct);
            if (status is null) { last = error ?? "no answer"; return false; }
            var readiness = status.Readiness.FirstOrDefault(r => r.Region == To);
            last = $"phase {status.Phase}, active {status.ActiveRegion}, {To} eligible {readiness?.Eligible} ({string.Join("; ", readiness?.Reasons ?? [])}); " +
                   $"blocked: {string.Join("; ", status.BlockedReasons)}";
            return status is { Phase: Phases.Idle, ActiveRegion: From } && readiness is { Eligible: true }
                && regions is not null && new[] { From, To }.All(site => VotedUp(regions, site) == Mesh.Nodes.Count);
        }, timeout - clock.Elapsed, () => $"the mesh was not ready to fail over: {last}; logs are in {Mesh.WorkDir}", ct);
    }

    private static int VotedUp(IEnumerable<RegionView> regions, string region) =>
        regions.Single(r => r.Name == region).Verdicts.Count(v => v.Verdict == Verdicts.Up);

    /// <summary>
    /// SIGKILLs the active region's PostgreSQL primary and follows the mesh, polling every 100 ms, until its
    /// failover completed and DigitalOcean reads back the new region's value; then says when what happened.
    /// </summary>
    public async Task<FailoverTimeline> CrashPrimaryAsync(TimeSpan timeout, CancellationToken ct)
    {
        Stack.Postgres.KillPrimary();
        var killedAt = DateTimeOffset.UtcNow;
        DateTimeOffset? detectedAt = null, dnsSeenAt = null;
        HistoryView? entry = null;
        FailoverStatus? status = null;
        var trace = new List<string>();
        var traced = new Dictionary<string, string>();
        void Trace(string kind, string what)
        {
            if (traced.GetValueOrDefault(kind) == what) return;
            traced[kind] = what;
            trace.Add($"+{(DateTimeOffset.UtcNow - killedAt).TotalSeconds:0.00} s {kind} {what}");
        }
        await LocalWait.UntilAsync(async () =>
        {
            var (regions, _) = await Mesh.GetAsync<List<RegionView>>(Observer, "api/v1/regions", ct);
            var down = regions?.Single(r => r.Name == From).Verdicts.Where(v => v.Verdict == Verdicts.Down).ToList() ?? [];
            if (detectedAt is null && down.Count >= LocalMeshConfig.Quorum) detectedAt = down.Max(v => v.At);
            if (regions is not null)
                Trace("votes", string.Join("; ", regions.Where(r => r.Kind == RegionKinds.Site).Select(r =>
                    $"{r.Name} {string.Join(" ", r.Verdicts.Select(v => $"{v.Vantage}={v.Verdict}"))}")));
            if (dnsSeenAt is null && RecordValue() == LocalMeshConfig.RegionValues[To]) dnsSeenAt = DateTimeOffset.UtcNow;
            status = (await Mesh.GetAsync<FailoverStatus>(Observer, "api/v1/failover", ct)).Value ?? status;
            if (status is not null) Trace("phase", $"{status.Phase}{(status.BlockedReasons.Count > 0 ? ": " + string.Join("; ", status.BlockedReasons) : "")}");
            var (history, _) = await Mesh.GetAsync<List<HistoryView>>(Observer, "api/v1/failover/history", ct);
            entry = history?.FirstOrDefault(h => h.Kind == DecisionKinds.Failover && h.From == From) ?? entry;
            return status?.Phase == Phases.Completed && entry is not null && entry.Steps.All(s => s.Status == StepStatuses.Ok) && dnsSeenAt is not null;
        }, timeout, () => $"the failover did not complete; last seen: phase {status?.Phase}, blocked: {string.Join("; ", status?.BlockedReasons ?? [])}; " +
                          $"steps: {string.Join(", ", entry?.Steps.Select(s => $"{s.Name} {s.Status} {s.Error}") ?? [])}; logs are in {Mesh.WorkDir}", ct);
        return new FailoverTimeline(killedAt, detectedAt, dnsSeenAt!.Value, entry!, status!, trace);
    }

    /// <summary>Asks for a planned switchover to <paramref name="to"/> as an operator would (<c>POST /api/v1/failover/switchover</c>).</summary>
    public Task<(int Status, string Body)> RequestSwitchoverAsync(string to, bool force, CancellationToken ct) =>
        Mesh.PostAsync(Observer, "api/v1/failover/switchover", System.Text.Json.JsonSerializer.Serialize(new { to, force }), _apiToken, ct);

    /// <summary>Until the coordinator finds <paramref name="region"/> eligible (following the active primary within the lag bound).</summary>
    public Task WaitEligibleAsync(string region, TimeSpan timeout, CancellationToken ct)
    {
        var last = "no answer yet";
        return LocalWait.UntilAsync(async () =>
        {
            var (status, error) = await Mesh.GetAsync<FailoverStatus>(Observer, "api/v1/failover", ct);
            var readiness = status?.Readiness.FirstOrDefault(r => r.Region == region);
            last = status is null ? error ?? "no answer" : $"{region} eligible {readiness?.Eligible} ({string.Join("; ", readiness?.Reasons ?? [])})";
            return readiness is { Eligible: true };
        }, timeout, () => $"{region} did not become eligible: {last}; logs are in {Mesh.WorkDir}", ct);
    }

    /// <summary>Until the move of <paramref name="epoch"/> completed with every step done; its history entry.</summary>
    public async Task<HistoryView> WaitCompletedAsync(long epoch, TimeSpan timeout, CancellationToken ct)
    {
        HistoryView? entry = null;
        FailoverStatus? status = null;
        await LocalWait.UntilAsync(async () =>
        {
            status = (await Mesh.GetAsync<FailoverStatus>(Observer, "api/v1/failover", ct)).Value ?? status;
            entry = (await Mesh.GetAsync<List<HistoryView>>(Observer, "api/v1/failover/history", ct)).Value?.FirstOrDefault(h => h.Epoch == epoch) ?? entry;
            return status is { Phase: Phases.Completed } && status.Epoch == epoch && entry is not null && entry.Steps.All(s => s.Status == StepStatuses.Ok);
        }, timeout, () => $"the move of epoch {epoch} did not complete; last seen: phase {status?.Phase}, blocked: {string.Join("; ", status?.BlockedReasons ?? [])}; " +
                          $"steps: {string.Join(", ", entry?.Steps.Select(s => $"{s.Name} {s.Status} {s.Error}") ?? [])}; logs are in {Mesh.WorkDir}", ct);
        return entry!;
    }

    /// <summary>The shop's A record as DigitalOcean holds it now.</summary>
    public string? RecordValue() =>
        DigitalOcean.StandIn.Records(LocalMeshConfig.Domain).SingleOrDefault(r => r.Type == "A" && r.Name == LocalMeshConfig.RecordName)?.Data;

    /// <summary>Stops the nodes first (nothing acts on the servers any more), then the stand-in, then the servers.</summary>
    public async ValueTask DisposeAsync()
    {
        await Mesh.DisposeAsync();
        await DigitalOcean.DisposeAsync();
        await Stack.DisposeAsync();
    }
}
