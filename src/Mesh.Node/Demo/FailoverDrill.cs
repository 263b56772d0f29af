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
        ApiToken = apiToken;
    }

    /// <summary>The nodes' API token (a secret: for requests, never for output).</summary>
    internal string ApiToken { get; }

    /// <summary>Every secret the drill handed out, by name: for tests that look for them where they must not be.</summary>
    internal IReadOnlyList<(string Name, string Value)> Secrets =>
    [
        ("API token", ApiToken), ("PostgreSQL password", Stack.Postgres.Password), ("Redis password", Stack.Redis.Password),
        ("DigitalOcean token", DigitalOcean.Endpoint.Token), ("DigitalOcean actions token", DigitalOcean.Endpoint.ActionsToken),
    ];

    private bool _disposed;

    // The epoch when the mesh was last seen ready: a move the drill follows has a later one.
    private long _readyEpoch;

    public LocalStack Stack { get; }
    public DemoDigitalOcean DigitalOcean { get; }
    public LocalMesh Mesh { get; }

    /// <summary>The node the drill asks: the witness's, which nothing here harms. Every node answers from the coordinator.</summary>
    public LocalNodeSpec Observer => Mesh.Nodes.Single(n => n.Region != From && n.Region != To);

    /// <summary>Starts the servers, the stand-in and the three nodes, configs and logs in <paramref name="workDir"/>; returns without waiting for the mesh to be ready.</summary>
    /// <param name="coordinatorInActiveRegion">
    /// Start the active region's node first (with the witness's), so that it is the oldest member and hosts
    /// the coordinator: losing the region then also loses the coordinator, the hardest case for a failover.
    /// </param>
    public static async Task<FailoverDrill> StartAsync(string workDir, CancellationToken ct, bool coordinatorInActiveRegion = false)
    {
        Directory.CreateDirectory(workDir);
        var stack = await LocalStack.StartAsync(Path.Combine(workDir, "servers"), ct);
        DemoDigitalOcean? digitalOcean = null;
        LocalMesh? mesh = null;
        try
        {
            digitalOcean = await DemoDigitalOcean.StartAsync(ct);
            var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            mesh = LocalMesh.Create(workDir, LocalMeshTimings.Fast, token, digitalOcean.Endpoint, stack.Shop);
            if (coordinatorInActiveRegion)
            {
                // The first seed node with the witness: a majority of the seeds, so they become Up together, and the
                // first has the lowest address, so it is the oldest member and hosts the coordinator.
                var first = mesh.Nodes[0];
                if (first.Region != From) throw new InvalidOperationException($"the first seed node {first.Name} is not in {From}");
                var pair = new[] { first, mesh.Nodes.Single(n => n.Region != From && n.Region != To) };
                foreach (var node in pair) mesh.Start(node);
                await mesh.WaitForAsync(pair, v => v.CoordinatorNode == first.Name, TimeSpan.FromSeconds(60), ct);
                foreach (var node in mesh.Nodes.Except(pair)) mesh.Start(node);
            }
            else mesh.StartAll();
            return new FailoverDrill(stack, digitalOcean, mesh, token);
        }
        catch
        {
            if (mesh is not null) await mesh.DisposeAsync();
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
            _readyEpoch = status.Epoch;
            return status is { Phase: Phases.Idle, ActiveRegion: From } && readiness is { Eligible: true }
                && regions is not null && new[] { From, To }.All(site => VotedUp(regions, site) == Mesh.Nodes.Count);
        }, timeout - clock.Elapsed, () => $"the mesh was not ready to fail over: {last}; logs are in {Mesh.WorkDir}", ct);
    }

    private static int VotedUp(IEnumerable<RegionView> regions, string region) =>
        regions.Single(r => r.Name == region).Verdicts.Count(v => v.Verdict == Verdicts.Up);

    /// <summary>SIGKILLs the active region's PostgreSQL primary and follows the mesh until its failover completed (<see cref="FollowFailoverAsync"/>).</summary>
    public Task<FailoverTimeline> CrashPrimaryAsync(TimeSpan timeout, CancellationToken ct, Action<TimeSpan, string>? narrate = null)
    {
        Stack.Postgres.KillPrimary();
        return FollowFailoverAsync(DateTimeOffset.UtcNow, timeout, narrate, ct);
    }

    /// <summary>
    /// The whole active region dies at once, as a data centre losing power would take it: SIGKILL to its mesh
    /// nodes (and with them its app servers, which are their health endpoints), its PostgreSQL primary and its
    /// Redis primary. When it returns nothing of the region runs; its droplets still read back as running until
    /// the mesh powers them off.
    /// </summary>
    public async Task<DateTimeOffset> KillActiveRegionAsync()
    {
        foreach (var node in Mesh.Nodes.Where(n => n.Region == From)) Mesh.Kill(node);
        Stack.Postgres.KillPrimary();
        var killedAt = DateTimeOffset.UtcNow;
        await Stack.Redis.KillAsync(Stack.Redis.PrimaryPort);
        return killedAt;
    }

    /// <summary>One poll of the observer's API and the stand-in's DNS record.</summary>
    /// <param name="afterEpoch">The move reported is the first decision after this epoch, lifts of a self-fence aside.</param>
    public async Task<MeshSnapshot> SnapshotAsync(long afterEpoch, CancellationToken ct)
    {
        var cluster = Mesh.GetAsync<Mesh.Contracts.Api.ClusterView>(Observer, "api/v1/cluster", ct);
        var regions = Mesh.GetAsync<List<RegionView>>(Observer, "api/v1/regions", ct);
        var status = Mesh.GetAsync<FailoverStatus>(Observer, "api/v1/failover", ct);
        var history = Mesh.GetAsync<List<HistoryView>>(Observer, "api/v1/failover/history", ct);
        await Task.WhenAll(cluster, regions, status, history);
        var move = history.Result.Value?.Where(h => h.Epoch > afterEpoch && h.Kind != DecisionKinds.Unfence).OrderBy(h => h.Epoch).FirstOrDefault();
        return new MeshSnapshot(DateTimeOffset.UtcNow, cluster.Result.Value, regions.Result.Value, status.Result.Value, move, RecordValue());
    }

    /// <summary>
    /// Follows the mesh, polling every 100 ms, from <paramref name="since"/> (when the active region's primary was
    /// lost) until a failover away from it completed with every step done and DigitalOcean reads back the new
    /// region's value; <paramref name="narrate"/> hears each change as it is seen, with the time since then.
    /// </summary>
    public async Task<FailoverTimeline> FollowFailoverAsync(DateTimeOffset since, TimeSpan timeout, Action<TimeSpan, string>? narrate, CancellationToken ct)
    {
        DateTimeOffset? detectedAt = null, dnsSeenAt = null;
        var trace = new List<string>();
        MeshSnapshot? last = null;
        await LocalWait.UntilAsync(async () =>
        {
            var now = await SnapshotAsync(_readyEpoch, ct);
            foreach (var line in Narration.Changes(last, now))
            {
                trace.Add($"+{(now.At - since).TotalSeconds:0.00} s {line}");
                narrate?.Invoke(now.At - since, line);
            }
            last = Merge(last, now);
            var down = now.Regions?.Single(r => r.Name == From).Verdicts.Where(v => v.Verdict == Verdicts.Down).ToList() ?? [];
            if (detectedAt is null && down.Count >= LocalMeshConfig.Quorum) detectedAt = down.Max(v => v.At);
            if (dnsSeenAt is null && now.DnsValue == LocalMeshConfig.RegionValues[To]) dnsSeenAt = now.At;
            return last.Status?.Phase == Phases.Completed && last.Move is { Kind: DecisionKinds.Failover, From: From } move
                && move.Steps.All(s => s.Status == StepStatuses.Ok) && dnsSeenAt is not null;
        }, timeout, () => $"the failover did not complete; last seen: phase {last?.Status?.Phase}, blocked: {string.Join("; ", last?.Status?.BlockedReasons ?? [])}; " +
                          $"steps: {string.Join(", ", last?.Move?.Steps.Select(s => $"{s.Name} {s.Status} {s.Error}") ?? [])}; logs are in {Mesh.WorkDir}", ct);
        return new FailoverTimeline(since, detectedAt, dnsSeenAt!.Value, last!.Move!, last.Status!, trace);
    }

    /// <summary>The latest answer of each part: a poll in which a part did not answer keeps the one before.</summary>
    private static MeshSnapshot Merge(MeshSnapshot? last, MeshSnapshot now) => last is null ? now : now with
    {
        Cluster = now.Cluster ?? last.Cluster,
        Regions = now.Regions ?? last.Regions,
        Status = now.Status ?? last.Status,
        Move = now.Move ?? last.Move,
        DnsValue = now.DnsValue ?? last.DnsValue,
    };

    /// <summary>Asks for a planned switchover to <paramref name="to"/> as an operator would (<c>POST /api/v1/failover/switchover</c>).</summary>
    public Task<(int Status, string Body)> RequestSwitchoverAsync(string to, bool force, CancellationToken ct) =>
        Mesh.PostAsync(Observer, "api/v1/failover/switchover", System.Text.Json.JsonSerializer.Serialize(new { to, force }), ApiToken, ct);

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

    /// <summary>
    /// What a shop owner would check after the failover: ams3's PostgreSQL left recovery and takes a write, its
    /// Redis is a primary and takes a write, the DNS record points at ams3, and nyc1's droplets are off. One line
    /// per check; a check that cannot be made fails with the reason.
    /// </summary>
    public async Task<ShopCheck> CheckFailedOverAsync(CancellationToken ct)
    {
        var lines = new List<string>();
        var ok = true;
        async Task Check(string what, Func<Task<string?>> check)
        {
            string? problem;
            try { problem = await check(); }
            catch (Exception e) when (e is Npgsql.NpgsqlException or StackExchange.Redis.RedisException or InvalidOperationException or TimeoutException)
            {
                problem = e.Message;
            }
            ok &= problem is null;
            lines.Add(problem is null ? $"ok    {what}" : $"FAIL  {what}: {problem}");
        }
        var pg = Stack.Postgres;
        await Check($"PostgreSQL {To} (port {pg.StandbyPort}) is out of recovery and takes a write", async () =>
        {
            await pg.ExecAsync(pg.StandbyPort, "CREATE TABLE IF NOT EXISTS demo_orders (id serial PRIMARY KEY, at timestamptz DEFAULT now()); INSERT INTO demo_orders DEFAULT VALUES", ct);
            return null;
        });
        var redis = Stack.Redis;
        await Check($"Redis {To} (port {redis.ReplicaPort}) is a primary and takes a write", async () =>
        {
            if (!(await redis.InfoAsync(redis.ReplicaPort, ct)).Contains("role:master", StringComparison.Ordinal)) return "it is not a primary";
            await redis.ExecAsync(redis.ReplicaPort, db => db.StringSetAsync("demo:after-failover", "ok"));
            return null;
        });
        await Check($"DNS {LocalMeshConfig.RecordName}.{LocalMeshConfig.Domain} A is {LocalMeshConfig.RegionValues[To]}", () =>
            Task.FromResult(RecordValue() == LocalMeshConfig.RegionValues[To] ? null : $"it is {RecordValue() ?? "missing"}"));
        await Check($"{From}'s droplets are powered off", () =>
            Task.FromResult(DigitalOcean.Droplets[From].All(id => DigitalOcean.StandIn.DropletStatus(id) == "off") ? null
                : string.Join(", ", DigitalOcean.Droplets[From].Select(id => $"{id} {DigitalOcean.StandIn.DropletStatus(id)}"))));
        return new ShopCheck(ok, lines);
    }

    /// <summary>The shop's A record as DigitalOcean holds it now.</summary>
    public string? RecordValue() =>
        DigitalOcean.StandIn.Records(LocalMeshConfig.Domain).SingleOrDefault(r => r.Type == "A" && r.Name == LocalMeshConfig.RecordName)?.Data;

    /// <summary>Stops the nodes first (nothing acts on the servers any more), then the stand-in, then the servers.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await Mesh.DisposeAsync();
        await DigitalOcean.DisposeAsync();
        await Stack.DisposeAsync();
    }
}

/// <summary>The checks of <see cref="FailoverDrill.CheckFailedOverAsync"/>: all passed or not, and one line each.</summary>
public sealed record ShopCheck(bool Ok, IReadOnlyList<string> Lines);
