using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;
using Mesh.Node.Demo;
using Mesh.Tests.Shared;
using Npgsql;

namespace Mesh.Chaos.Tests.Lab;

/// <summary>
/// One chaos run's whole world: the regions (<see cref="NetLab"/>), the shop's servers, the DigitalOcean stand-in on
/// every observer link, the 2 + 2 + 1 mesh and a writer in each site region. Powering a droplet off in the stand-in
/// really stops its server (the old primary cannot commit any more, which is what the mesh takes it to prove).
/// Disposing removes everything, whatever state the run is in; the run's folder keeps the logs.
/// </summary>
internal sealed class ChaosShop : IAsyncDisposable
{
    public static readonly string[] Regions = ["nyc1", "ams3", "sfo3"];
    public const string Active = "nyc1";
    public const string Standby = "ams3";
    public const string Witness = "sfo3";
    private const int StandInPort = 8089;

    private readonly List<LabProcess> _writers = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _powerWatch = Task.CompletedTask;
    private Task _primaryWatch = Task.CompletedTask;

    private ChaosShop(string root, NetLab lab, LabServers servers, DemoDigitalOcean digitalOcean, ChaosMesh mesh)
    {
        Root = root;
        Lab = lab;
        Servers = servers;
        DigitalOcean = digitalOcean;
        Mesh = mesh;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
    }

    public string Root { get; }
    public NetLab Lab { get; }
    public LabServers Servers { get; }
    public DemoDigitalOcean DigitalOcean { get; }
    public ChaosMesh Mesh { get; }
    public HttpClient Http { get; }

    /// <summary>Moments at which both site PostgreSQL servers took writes (the primary watch samples every 100 ms).</summary>
    public List<DateTimeOffset> DoublePrimaries { get; } = [];

    /// <param name="coordinatorRegion">Where the coordinator starts (its region's first node is made the oldest member).</param>
    public static async Task<ChaosShop> StartAsync(string name, string coordinatorRegion = Active)
    {
        var root = Path.Combine(Path.GetTempPath(), "mesh-chaos", $"{name}-{DateTime.UtcNow:HHmmss}");
        Directory.CreateDirectory(root);
        NetLab? lab = null;
        LabServers? servers = null;
        DemoDigitalOcean? digitalOcean = null;
        try
        {
            lab = await NetLab.CreateAsync(Regions, coordinatorRegion, root);
            servers = await LabServers.StartAsync(lab, Path.Combine(root, "servers"), Active, Standby);
            digitalOcean = await DemoDigitalOcean.StartAsync(CancellationToken.None, [.. Regions.Select(r => IPAddress.Parse(lab.ObserverIp(r)))], StandInPort);
            var mesh = ChaosMesh.Write(lab, servers, root, digitalOcean.Endpoint, StandInPort, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            var shop = new ChaosShop(root, lab, servers, digitalOcean, mesh);
            await shop.ExecAsync(Active, "CREATE TABLE chaos_writes (id text PRIMARY KEY, writer text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())");
            shop._powerWatch = shop.WatchPowerAsync();
            shop._primaryWatch = shop.WatchPrimariesAsync();
            mesh.StartAll();
            return shop;
        }
        catch
        {
            if (digitalOcean is not null) await digitalOcean.DisposeAsync();
            if (servers is not null) await servers.DisposeAsync();
            if (lab is not null) await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>The droplets of a region powered off in the stand-in: their servers stop as a machine would (SIGKILL).</summary>
    private async Task WatchPowerAsync()
    {
        var roles = new Dictionary<string, string> { ["db"] = "pg", ["cache"] = "redis" };
        while (!_stop.IsCancellationRequested)
        {
            foreach (var (region, ids) in DigitalOcean.Droplets)
                foreach (var (id, role) in ids.Zip(new[] { "db", "cache" }))
                    if (DigitalOcean.StandIn.DropletStatus(id) == "off" && Servers.Processes.TryGetValue($"{roles[role]}-{region}", out var p) && p.Running)
                        await p.KillAsync();
            try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>The whole region dies at once: SIGKILL to its mesh nodes, its servers and its writer.</summary>
    public Task KillRegionAsync(string region) =>
        // All at once, as a region dies: one by one, the servers outlived the nodes by a second or more.
        Task.WhenAll(Mesh.Processes.Where(p => ChaosMesh.Region(p.Key) == region).Select(p => p.Value)
            .Concat(Servers.Processes.Where(p => p.Key.EndsWith("-" + region, StringComparison.Ordinal)).Select(p => p.Value))
            .Concat(_writers.Where(w => w.Name.EndsWith("-" + region, StringComparison.Ordinal)))
            .Select(p => p.KillAsync()));

    /// <summary>Powers a region's droplets on through the API, as an operator would (the stand-in's actions token).</summary>
    public async Task PowerOnAsync(string region)
    {
        foreach (var id in DigitalOcean.Droplets[region])
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(DigitalOcean.StandIn.BaseAddress, $"v2/droplets/{id}/actions"))
            {
                Content = JsonContent.Create(new { type = "power_on" }),
            };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DigitalOcean.Endpoint.ActionsToken);
            using var response = await Http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
        await Eventually.UntilAsync(() => Task.FromResult(DigitalOcean.Droplets[region].All(id => DigitalOcean.StandIn.DropletStatus(id) == "active")),
            TimeSpan.FromSeconds(30), $"{region}'s droplets are on");
    }

    /// <summary>Every 100 ms: does each site's PostgreSQL take writes now (accepts a session on <c>postgres</c>, not in recovery, not read-only)?</summary>
    private async Task WatchPrimariesAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var writable = await Task.WhenAll(new[] { Active, Standby }.Select(TakesWritesAsync));
            if (writable.All(w => w)) DoublePrimaries.Add(DateTimeOffset.UtcNow);
            try { await Task.Delay(100, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    public async Task<bool> TakesWritesAsync(string region)
    {
        try
        {
            await using var c = new NpgsqlConnection(Servers.Postgres(region));
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off'", c);
            return await cmd.ExecuteScalarAsync() is true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    public async Task ExecAsync(string region, string sql)
    {
        await using var c = new NpgsqlConnection(Servers.Postgres(region));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Starts a writer in each site region: a client of the shop writing through the DNS-selected region every 50 ms.</summary>
    public void StartWriters()
    {
        foreach (var site in new[] { Active, Standby })
            StartWriter($"writer-{site}", site, $"http://{Lab.ObserverIp(site)}:{StandInPort}/v2/domains/{LocalMeshConfig.Domain}/records");
    }

    /// <summary>
    /// Starts a client in <paramref name="region"/> that writes to that region's PostgreSQL whatever DNS says, every
    /// 50 ms, and fights a fence: read-only default off and BEGIN READ WRITE before each insert. Its journal is
    /// <see cref="Journal"/>(<c>stubborn-{region}</c>); its rows are not counted with the shop's writers.
    /// </summary>
    public void StartStubbornWriter(string region) =>
        StartWriter($"stubborn-{region}", region, $"pin:{Lab.RegionIp(region)}", "stubborn");

    private void StartWriter(string name, string region, string records, params string[] extra)
    {
        var hosts = string.Join(",", LocalMeshConfig.RegionValues.Select(kv => $"{kv.Value}={Lab.RegionIp(kv.Key)}"));
        _writers.Add(LabProcess.Start(name, NetLab.Namespace(region), Path.Combine(Root, $"{name}.log"),
            WriterExecutable, [name, JournalPath(name), records, hosts, "50", .. extra],
            env: new Dictionary<string, string> { ["CHAOS_DO_TOKEN"] = DigitalOcean.Endpoint.Token, ["CHAOS_PG_PASSWORD"] = Servers.PostgresPassword }));
    }

    /// <summary>One writer's attempts so far, in order: acknowledged or not, the server's host, when.</summary>
    public IReadOnlyList<(bool Acknowledged, string Id, string Host, DateTimeOffset At)> Journal(string writer) =>
        !File.Exists(JournalPath(writer)) ? [] : File.ReadLines(JournalPath(writer))
            .Select(l => l.Split(' ')).Where(p => p.Length >= 4 && p[0] is "ack" or "fail")
            .Select(p => (p[0] == "ack", $"{writer}-{p[1]}", p[2], DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(p[3], CultureInfo.InvariantCulture)))).ToList();

    /// <summary>
    /// The writer in its own build output (a copy beside the tests would resolve its assemblies against the tests'
    /// dependencies): tests/chaos/Mesh.Chaos.Writer/bin/&lt;configuration&gt;/&lt;framework&gt;/.
    /// </summary>
    private static string WriterExecutable
    {
        get
        {
            var framework = new DirectoryInfo(AppContext.BaseDirectory);
            var configuration = framework.Parent!;
            return Path.Combine(configuration.Parent!.Parent!.Parent!.FullName, "Mesh.Chaos.Writer", "bin", configuration.Name, framework.Name, "Mesh.Chaos.Writer");
        }
    }

    private string JournalPath(string writer) => Path.Combine(Root, $"{writer}.journal");

    public async Task StopWritersAsync()
    {
        foreach (var w in _writers) await w.StopAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Every acknowledged write: writer, row, the server's host, when.</summary>
    public IReadOnlyList<(string Id, string Host, DateTimeOffset At)> Acknowledged() =>
        new[] { Active, Standby }.SelectMany(s => Journal($"writer-{s}")).Where(e => e.Acknowledged).Select(e => (e.Id, e.Host, e.At)).ToList();

    /// <summary>The acknowledged writes missing from <paramref name="region"/>'s PostgreSQL now.</summary>
    public async Task<IReadOnlyList<string>> LostWritesAsync(string region)
    {
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await using var c = new NpgsqlConnection(Servers.Postgres(region));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id FROM chaos_writes", c);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) stored.Add(reader.GetString(0));
        return Acknowledged().Select(a => a.Id).Where(id => !stored.Contains(id)).ToList();
    }

    /// <summary>Acknowledged writes from both sites' servers within 100 ms of each other: two primaries taking writes at once.</summary>
    public int AcknowledgedByBoth()
    {
        var acks = Acknowledged().OrderBy(a => a.At).ToList();
        return acks.Zip(acks.Skip(1)).Count(p => p.First.Host != p.Second.Host && (p.Second.At - p.First.At) < TimeSpan.FromMilliseconds(100));
    }

    public async Task<T?> GetAsync<T>(string node, string path) where T : class
    {
        try { return await Http.GetFromJsonAsync<T>(new Uri(Mesh.Api(node), path)); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException) { return null; }
    }

    /// <summary>A POST to a node's API as an operator makes it (the mesh's API token); the status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(string node, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Mesh.Api(node), path)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Mesh.ApiToken);
        using var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The first answer of any node still running among <paramref name="nodes"/> (default: all).</summary>
    public async Task<T?> AskAnyAsync<T>(IEnumerable<string>? nodes, string path) where T : class
    {
        foreach (var node in (nodes ?? ChaosMesh.Layout.Select(l => l.Node)).Where(n => Mesh.Processes.TryGetValue(n, out var p) && p.Running))
            if (await GetAsync<T>(node, path) is { } answer) return answer;
        return null;
    }

    public string? RecordValue() =>
        DigitalOcean.StandIn.Records(LocalMeshConfig.Domain).SingleOrDefault(r => r.Type == "A" && r.Name == LocalMeshConfig.RecordName)?.Data;

    /// <summary>DNS changes of the shop's record so far (updates of the A record the stand-in saw).</summary>
    public int DnsChanges => DigitalOcean.StandIn.Mutations.Count(m => !m.Dropped && m.Summary.StartsWith($"PUT {LocalMeshConfig.RecordName} A ", StringComparison.Ordinal));

    private bool _passed;

    /// <summary>The run passed: its folder (logs, journals, data) goes with the rest (MESH_CHAOS_KEEP=1 keeps it). A failed run keeps it for reading.</summary>
    public void MarkPassed() => _passed = true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_powerWatch, _primaryWatch);
        foreach (var w in _writers) await w.DisposeAsync();
        await Mesh.DisposeAsync();
        await DigitalOcean.DisposeAsync();
        await Servers.DisposeAsync();
        await Lab.DisposeAsync();
        Http.Dispose();
        if (_passed && Environment.GetEnvironmentVariable("MESH_CHAOS_KEEP") != "1") Directory.Delete(Root, recursive: true);
    }
}
