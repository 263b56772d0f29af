using System.Text.Json;
using Mesh.Node.Demo;

namespace Mesh.Chaos.Tests.Lab;

/// <summary>
/// The mesh of SPEC's recommended 2 + 2 + 1 topology as <c>health-mesh run</c> processes in the regions'
/// namespaces: two nodes per site (same address, ports 4053/4054), one witness. Nodes reach each other, the
/// shop's servers and the app servers over the region link, DigitalOcean over their observer link.
/// </summary>
internal sealed class ChaosMesh : IAsyncDisposable
{
    /// <summary>
    /// The nodes; the seeds are each region's first node in this order. Started together, members are aged by address,
    /// so the first node of the region with the lowest address (<see cref="NetLab.RegionIp"/>; nyc1 unless a scenario
    /// says otherwise) is the oldest and hosts the coordinator: the lab's region faults hit the harder case, a
    /// coordinator lost with the active region.
    /// </summary>
    public static readonly (string Node, string Region)[] Layout =
        [("nyc1-a", "nyc1"), ("ams3-a", "ams3"), ("sfo3-w", "sfo3"), ("nyc1-b", "nyc1"), ("ams3-b", "ams3")];

    private const int HttpBase = 8081;
    private readonly NetLab _lab;
    private readonly string _root;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly Dictionary<string, LabProcess> _processes = new(StringComparer.Ordinal);

    private ChaosMesh(NetLab lab, string root, IReadOnlyDictionary<string, string> environment, string apiToken)
    {
        _lab = lab;
        _root = root;
        _environment = environment;
        ApiToken = apiToken;
    }

    public string ApiToken { get; }
    public IReadOnlyDictionary<string, LabProcess> Processes => _processes;

    public static string Region(string node) => Layout.Single(l => l.Node == node).Region;

    private static int Slot(string node) => Layout.Where(l => l.Region == Region(node)).Select(l => l.Node).ToList().IndexOf(node);

    /// <summary>The node's API as the harness reaches it (its region's observer link).</summary>
    public Uri Api(string node) => new($"http://{_lab.ObservedIp(Region(node))}:{HttpBase + Slot(node)}/");

    private string ConfigPath(string node) => Path.Combine(_root, $"{node}.json");

    public string LogPath(string node) => Path.Combine(_root, $"{node}.log");

    /// <summary>The node's data directory (its durable copy of the failover state).</summary>
    public string DataPath(string node) => DataDirectory(_root, node);

    private static string DataDirectory(string root, string node) => Path.Combine(root, "data", node);

    /// <summary>Writes every node's configuration; starts nothing.</summary>
    public static ChaosMesh Write(NetLab lab, LabServers servers, string root, LocalDigitalOcean digitalOcean, int digitalOceanPort, string apiToken)
    {
        Directory.CreateDirectory(root);
        var seeds = Layout.Where(l => Slot(l.Node) == 0).Select(l => $"akka.tcp://{LocalMeshConfig.ClusterName}@{lab.RegionIp(l.Region)}:{4053}").ToList();
        var sites = new[] { "nyc1", "ams3" };
        var targets = sites.SelectMany(site => new[]
        {
            LocalMeshConfig.AppTarget(site, $"http://{lab.RegionIp(site)}:{LabServers.AppPort}/healthz"),
            LocalMeshConfig.PostgresTarget(site, lab.RegionIp(site), LabServers.PostgresPort),
            LocalMeshConfig.RedisTarget(site, lab.RegionIp(site), LabServers.RedisPort),
        }).ToList();
        foreach (var (node, region) in Layout)
        {
            var slot = Slot(node);
            var at = new LocalMeshConfig.NodeAt(node, region, lab.RegionIp(region), 4053 + slot, $"http://0.0.0.0:{HttpBase + slot}", DataDirectory(root, node));
            // Each region reaches "DigitalOcean" on its own observer link.
            var api = digitalOcean with { ApiUrl = new Uri($"http://{lab.ObserverIp(region)}:{digitalOceanPort}/") };
            var json = LocalMeshConfig.Node(at, seeds, LocalMeshTimings.Fast, apiToken, api, targets.Select(t => t.DeepClone()), LocalMeshConfig.PowerOffFencing());
            json["Mesh"]!["Cluster"]!["ExpectedNodes"] = Layout.Length;
            File.WriteAllText(Path.Combine(root, $"{node}.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        var environment = new Dictionary<string, string>
        {
            [LocalShop.PostgresPasswordVariable] = servers.PostgresPassword,
            [LocalShop.RedisPasswordVariable] = servers.RedisPassword,
        };
        return new ChaosMesh(lab, root, environment, apiToken);
    }

    private void Start(string node) =>
        _processes[node] = LabProcess.Start(node, NetLab.Namespace(Region(node)), LogPath(node), LocalMesh.Executable, ["run", "--config", ConfigPath(node)], env: _environment);

    public void StartAll()
    {
        foreach (var (node, _) in Layout) Start(node);
    }

    /// <summary>Starts a node that was killed again, with its configuration and data (a machine coming back); its log goes on.</summary>
    public async Task RestartAsync(string node)
    {
        if (_processes.Remove(node, out var old))
        {
            if (old.Running) throw new InvalidOperationException($"{node} is still running");
            await old.DisposeAsync();
        }
        Start(node);
    }

    /// <summary>Every node started again after <see cref="KillAllAsync"/>.</summary>
    public async Task RestartAllAsync()
    {
        foreach (var (node, _) in Layout) await RestartAsync(node);
    }

    /// <summary>Every node down at once with SIGKILL (those still running); their logs go on in the same files when started again.</summary>
    public async Task KillAllAsync()
    {
        foreach (var p in _processes.Values.Where(p => p.Running)) await p.KillAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes.Values) await p.DisposeAsync();
        _processes.Clear();
    }
}
