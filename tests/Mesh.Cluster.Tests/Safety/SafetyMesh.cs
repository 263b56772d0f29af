using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Actors.Fencing;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// A mesh for the safety scenarios of SPEC 6 rules 4, 5 and 12: nodes per region as the test asks, a short lease,
/// every node's fences and the coordinator's plan steps recorded on one <see cref="SafetyTimeline"/>, probes that
/// fail exactly where the <see cref="Network"/> says a vantage cannot reach a region, and partitions cut with
/// Akka.Remote's throttle adapter (both ways, per pair of nodes).
/// </summary>
internal sealed class SafetyMesh : IAsyncDisposable
{
    /// <summary>
    /// Short, valid lease timings (FenceLead >= 2 x RenewInterval, Duration >= FenceLead + 3 x RenewInterval). RenewInterval
    /// stays at the production 1 s: a guard whose timer fires later than that counts itself frozen and fences, and a test
    /// process running several actor systems on two cores does stall for most of a second now and then.
    /// </summary>
    public static readonly LeaseOptions Lease = new()
    {
        Duration = TimeSpan.FromSeconds(8), RenewInterval = TimeSpan.FromSeconds(1), FenceLead = TimeSpan.FromSeconds(2.5), DriftMargin = TimeSpan.FromMilliseconds(500),
    };

    private readonly string _dataRoot;

    private readonly Func<MeshOptions, MeshOptions> _configure;
    private readonly bool _keepData;

    private SafetyMesh(string dataRoot, IReadOnlyList<TestNode> nodes, SafetyTimeline timeline, Network network, World world, Func<MeshOptions, MeshOptions> configure, bool keepData)
    {
        _dataRoot = dataRoot;
        Nodes = nodes;
        Timeline = timeline;
        Network = network;
        World = world;
        _configure = configure;
        _keepData = keepData;
    }

    public IReadOnlyList<TestNode> Nodes { get; private set; }
    public SafetyTimeline Timeline { get; }
    public Network Network { get; }
    public World World { get; }
    public string DataRoot => _dataRoot;

    public IEnumerable<TestNode> In(string region) => Nodes.Where(n => n.Region == region);

    /// <param name="layout">Nodes and their regions (default: one per region).</param>
    /// <param name="dataRoot">Where the nodes keep their data (default: a fresh folder, deleted at the end unless given).</param>
    /// <param name="world">The shop's resources (default: nyc1 primary and DNS, ams3 standby); pass one on to restart a mesh over it.</param>
    /// <param name="startLast">Start the layout's last node once the others are Up: the coordinator reaches it only when all others are gone.</param>
    public static async Task<SafetyMesh> StartAsync(IReadOnlyList<(string Node, string Region)>? layout = null, string? dataRoot = null,
        SafetyTimeline? timeline = null, Func<MeshOptions, MeshOptions>? configure = null, World? world = null, bool startLast = false)
    {
        layout ??= TestMesh.Layout.Select(l => (l.Node, l.Region)).ToList();
        var keepData = dataRoot is not null;
        dataRoot ??= TestMesh.NewDataRoot();
        timeline ??= new SafetyTimeline();
        world ??= new World();
        var network = new Network(layout);
        Func<MeshOptions, MeshOptions> configured = o => (configure ?? (x => x))(o with
        {
            Failover = o.Failover with
            {
                Lease = Lease,
                Dns = new DnsOptions { Domain = "example.com", Records = [new DnsRecordOptions { Name = "shop" }], Values = World.DnsValues.ToDictionary() },
            },
        });
        var nodes = await TestMesh.StartAsync(throttled: true, dataRoot, layout, serializeMessages: false,
            services: (node, s) => Register(s, node, timeline, network, world), configure: configured, startLast: startLast);
        var mesh = new SafetyMesh(dataRoot, nodes, timeline, network, world, configured, keepData);
        await StateMesh.StartedAsync(nodes);
        return mesh;
    }

    private static IServiceCollection Register(IServiceCollection s, string node, SafetyTimeline timeline, Network network, World world) => s
        .AddSingleton<IRegionFence>(new RecordingFence(node, timeline, world))
        .AddSingleton<IPlanExecutor>(new RecordingExecutor(node, timeline, network, world))
        .AddSingleton<IResourceSurvey>(new WorldSurvey(world))
        .AddSingleton<IProbeFactory>(new NetworkProbes(node, network));

    /// <summary>
    /// Starts <paramref name="name"/> again (after it was stopped) from <paramref name="dataDir"/>, joining the running
    /// nodes: e.g. with a copy of its data folder from before a failover.
    /// </summary>
    public async Task<TestNode> RestartAsync(string name, string dataDir)
    {
        var region = Network.RegionOf(name);
        var seeds = Nodes.Select(n => n.Address.ToString()).ToList();
        var options = _configure(TestMesh.Options(name, region, Mesh.Tests.Shared.FreePorts.Next(), seeds, dataDir));
        var node = await TestNode.StartAsync(options, new Mesh.Actors.Hosting.MeshHostingOverrides { ExtraHocon = TestMesh.ExtraHocon(serializeMessages: false), ThrottledTransport = true },
            new NetworkProbes(name, Network), s => Register(s, name, Timeline, Network, World));
        Nodes = [.. Nodes, node];
        return node;
    }

    /// <summary>Stops one node cleanly (it leaves the cluster), keeping its data folder.</summary>
    public async Task StopAsync(TestNode node)
    {
        await node.DisposeAsync();
        Nodes = Nodes.Where(n => n != node).ToList();
    }

    /// <summary>
    /// Cuts every link between the two sides, both ways; the probes follow. A node that is no longer running (downed)
    /// has no transport left to throttle; the probes of and from it are cut all the same.
    /// </summary>
    public async Task CutAsync(IEnumerable<TestNode> side, IEnumerable<TestNode> other)
    {
        var others = other.ToList();
        foreach (var a in side)
            foreach (var b in others)
            {
                Network.Cut(a.Name, b.Name);
                if (!SafetyChecks.Running(a) || !SafetyChecks.Running(b)) continue;
                Assert.True(await Throttle(a, b, Blackhole.Instance));
                Assert.True(await Throttle(b, a, Blackhole.Instance));
            }
    }

    /// <summary>Mends every link between the two sides (between running nodes; the probes of a downed node's region too).</summary>
    public async Task HealAsync(IEnumerable<TestNode> side, IEnumerable<TestNode> other)
    {
        var others = other.ToList();
        foreach (var a in side)
            foreach (var b in others)
            {
                Network.Heal(a.Name, b.Name);
                if (!SafetyChecks.Running(a) || !SafetyChecks.Running(b)) continue;
                await Throttle(a, b, Unthrottled.Instance);
                await Throttle(b, a, Unthrottled.Instance);
            }
    }

    /// <summary>Isolates a region: every link between its nodes and all others is cut, and its resources go with it.</summary>
    public Task IsolateAsync(string region) => CutAsync(In(region), Nodes.Where(n => n.Region != region));

    /// <summary>
    /// Stops a node at once, the way a crash would look to the others: every link to it is cut first, then it is
    /// terminated. (Terminate alone runs the node's coordinated shutdown, which leaves the cluster gracefully and
    /// hands the coordinator singleton over at once: that is a clean stop, not a crash.) The others find it
    /// unreachable and down it; its own shutdown goes on, unheard, and is awaited only at the end of the test.
    /// </summary>
    public async Task KillAsync(TestNode node)
    {
        await CutAsync([node], Nodes.Where(n => n != node));
        Network.Kill(node.Name);
        Nodes = Nodes.Where(n => n != node).ToList();
        _killed.Add(node);
        _ = node.System.Terminate();
    }

    private readonly List<TestNode> _killed = [];

    public IReadOnlyList<SafetyEvent> Fences(string region) => Timeline.Events.Where(e => e.What == "fence" && e.Region == region).ToList();

    public IReadOnlyList<SafetyEvent> Steps(string prefix) => Timeline.Events.Where(e => e.What.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    private static Task<bool> Throttle(TestNode from, TestNode to, ThrottleMode mode) =>
        ((IRemoteActorRefProvider)((ExtendedActorSystem)from.System).Provider).Transport
            .ManagementCommand(new SetThrottle(to.Address, ThrottleTransportAdapter.Direction.Both, mode));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        foreach (var node in _killed) await node.DisposeAsync();
        Nodes = [];
        if (!_keepData) TestMesh.DeleteDataRoot(_dataRoot);
    }
}
