using Microsoft.Extensions.DependencyInjection;
using Mesh.Tests.Shared;
using Mesh.Actors.Hosting;
using Mesh.Actors.Probes;
using Mesh.Contracts.Probes;
using Mesh.Contracts.Configuration;

namespace Mesh.Cluster.Tests;

/// <summary>Three regions, one node each (nyc1 and ams3 sites, sfo3 witness), in one process over real loopback remoting.</summary>
internal static class TestMesh
{
    public static readonly (string Node, string Region, string Kind)[] Layout =
        [("nyc1-a", "nyc1", RegionKinds.Site), ("ams3-a", "ams3", RegionKinds.Site), ("sfo3-w", "sfo3", RegionKinds.Witness)];

    // Akka's own multi-node specs use timings like these.
    private const string FastHocon = """
        akka.cluster {
          gossip-interval = 200ms
          leader-actions-interval = 200ms
          unreachable-nodes-reaper-interval = 250ms
          periodic-tasks-initial-delay = 300ms
          publish-stats-interval = 0s
          down-removal-margin = 1s
          seed-node-timeout = 2s
          retry-unsuccessful-join-after = 1s
          singleton.min-number-of-hand-over-retries = 5
          singleton-proxy.singleton-identification-interval = 200ms
        }
        akka.remote.retry-gate-closed-for = 1s
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    /// <summary>Two targets, one per site region; every probe passes (the probes themselves are tested against real servers elsewhere).</summary>
    public static readonly IReadOnlyList<TargetOptions> Targets =
    [
        new() { Id = "app-nyc1", Kind = TargetKinds.Http, Region = "nyc1", Url = "http://127.0.0.1:1/", Critical = true },
        new() { Id = "app-ams3", Kind = TargetKinds.Http, Region = "ams3", Url = "http://127.0.0.1:2/", Critical = true },
    ];

    /// <param name="serializeMessages">
    /// Push every message, local ones too, through serialization, which proves ours survive the wire.
    /// On only where our messages are the subject: Akka 1.5.73 then also round-trips its own local
    /// messages through Newtonsoft, and some come back changed (the singleton manager's view of the
    /// oldest member, seen flipping at formation) or not at all (ClusterEvent.ReachabilityChanged,
    /// a transport's Status.Failure), which stalls singleton and shard hand-over.
    /// </param>
    /// <param name="dataRoot">Where the nodes keep their data folders (one per node, by name); restart a mesh on the same root to find its data again.</param>
    /// <param name="probes">The probes every node runs (default: all pass).</param>
    /// <param name="services">Per node (by name): services registered before the mesh's own.</param>
    /// <param name="configure">Changes to every node's options (e.g. the lease's timings).</param>
    /// <param name="startLast">
    /// Start the last node of <paramref name="nodes"/> only once all the others are Up: it is then the youngest member,
    /// and the coordinator singleton (which runs on the oldest) reaches it only when every other node is gone.
    /// </param>
    public static async Task<IReadOnlyList<TestNode>> StartAsync(bool throttled, string dataRoot, IReadOnlyList<(string Node, string Region)>? nodes = null,
        bool serializeMessages = true, IProbeFactory? probes = null, Action<string, IServiceCollection>? services = null, Func<MeshOptions, MeshOptions>? configure = null,
        bool startLast = false)
    {
        nodes ??= Layout.Select(l => (l.Node, l.Region)).ToList();
        var ports = nodes.Select(_ => FreePorts.Next()).ToArray();
        var protocol = AkkaAddresses.Tcp;
        var seeds = ports.Select(p => $"{protocol}://health-mesh@127.0.0.1:{p}").ToArray();
        var overrides = new MeshHostingOverrides { ExtraHocon = ExtraHocon(serializeMessages), ThrottledTransport = throttled };
        configure ??= o => o;
        Task<TestNode> Start((string Node, string Region) n, int i) => TestNode.StartAsync(configure(Options(n.Node, n.Region, ports[i], seeds, Path.Combine(dataRoot, n.Node))), overrides,
            probes ?? new PassingProbes(), services is null ? null : s => services(n.Node, s));
        if (!startLast) return await Task.WhenAll(nodes.Select(Start));

        var first = await Task.WhenAll(nodes.SkipLast(1).Select(Start));
        await AwaitAsync(() => first.All(n => n.Cluster.State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up) == first.Length),
            TimeSpan.FromSeconds(30), "every node but the last sees the others Up");
        return [.. first, await Start(nodes[^1], nodes.Count - 1)];
    }

    /// <summary>The test timings, and whether every message goes through serialization.</summary>
    public static string ExtraHocon(bool serializeMessages) => FastHocon + $"\nakka.actor.serialize-messages = {(serializeMessages ? "on" : "off")}";

    /// <summary>A fresh folder for one mesh's data folders: durable state must never leak from one test (or run) into another.</summary>
    public static string NewDataRoot() => Directory.CreateTempSubdirectory("mesh-cluster-tests-").FullName;

    public static void DeleteDataRoot(string dataRoot)
    {
        try
        {
            Directory.Delete(dataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public static MeshOptions Options(string node, string region, int port, IReadOnlyList<string> seeds, string dataDir) => new()
    {
        Targets = Targets,
        Probes = new ProbeOptions { Interval = TimeSpan.FromMilliseconds(200), Timeout = TimeSpan.FromMilliseconds(100), Rise = 1, Fall = 1 },
        Node = new NodeOptions
        {
            Name = node, Region = region, Hostname = "127.0.0.1", Port = port, SeedNodes = seeds,
            HttpUrls = "http://127.0.0.1:0", DataDir = dataDir,
        },
        Regions = Layout.Select(l => new RegionOptions { Name = l.Region, Kind = l.Kind }).ToList(),
        Cluster = new ClusterTimingOptions
        {
            StableAfter = TimeSpan.FromSeconds(2), HeartbeatInterval = TimeSpan.FromMilliseconds(500), AcceptableHeartbeatPause = TimeSpan.FromSeconds(2),
        },
        InitialActiveRegion = "nyc1",
    };

    public static Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => Eventually.UntilAsync(condition, timeout, what);

    /// <summary>As above, with what was last seen in the failure's words.</summary>
    public static Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what) => Eventually.UntilAsync(condition, timeout, what);

    public static Task AwaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        AwaitAsync(() => Task.FromResult(condition()), timeout, what);

    public static Task AwaitAsync(Func<bool> condition, TimeSpan timeout, Func<string> what) =>
        AwaitAsync(() => Task.FromResult(condition()), timeout, what);
}

/// <summary>Probes that always pass at once: these tests are about where probes run, not what they find.</summary>
/// <summary>Probes whose targets fail when the script says so, and pass otherwise.</summary>
internal sealed class ScriptedProbes(Func<string, bool> fails) : IProbeFactory
{
    public IProbe Create(TargetOptions target) => new Probe(() => fails(target.Id!));

    private sealed class Probe(Func<bool> fails) : IProbe
    {
        public Task<CheckResult> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(fails() ? CheckResult.Fail(TimeSpan.FromMilliseconds(1), "HTTP 503 (expected 200)") : CheckResult.Pass(TimeSpan.FromMilliseconds(1)));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

internal sealed class PassingProbes : IProbeFactory, IProbe
{
    public IProbe Create(TargetOptions target) => this;
    public Task<CheckResult> CheckAsync(CancellationToken cancellationToken) => Task.FromResult(CheckResult.Pass(TimeSpan.FromMilliseconds(1)));
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
