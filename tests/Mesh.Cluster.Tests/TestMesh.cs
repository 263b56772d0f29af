using System.Net;
using System.Net.Sockets;
using Mesh.Actors.Hosting;
using Mesh.Contracts.Configuration;

namespace Mesh.Cluster.Tests;

/// <summary>Three regions, one node each (nyc1 and ams3 sites, sfo3 witness), in one process over real loopback remoting.</summary>
internal static class TestMesh
{
    public static readonly (string Node, string Region, string Kind)[] Layout =
        [("nyc1-a", "nyc1", RegionKinds.Site), ("ams3-a", "ams3", RegionKinds.Site), ("sfo3-w", "sfo3", RegionKinds.Witness)];

    // Akka's own multi-node specs use timings like these; serialize-messages proves every message survives the wire.
    private const string FastHocon = """
        akka.actor.serialize-messages = on
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

    public static async Task<IReadOnlyList<TestNode>> StartAsync(bool throttled)
    {
        var ports = Layout.Select(_ => FreePort()).ToArray();
        var protocol = AkkaAddresses.Tcp;
        var seeds = ports.Select(p => $"{protocol}://health-mesh@127.0.0.1:{p}").ToArray();
        var overrides = new MeshHostingOverrides { ExtraHocon = FastHocon, ThrottledTransport = throttled };
        var starts = Layout.Select((l, i) => TestNode.StartAsync(Options(l.Node, l.Region, ports[i], seeds), overrides));
        return await Task.WhenAll(starts);
    }

    public static MeshOptions Options(string node, string region, int port, IReadOnlyList<string> seeds) => new()
    {
        Node = new NodeOptions
        {
            Name = node, Region = region, Hostname = "127.0.0.1", Port = port, SeedNodes = seeds,
            HttpUrls = "http://127.0.0.1:0", DataDir = Path.Combine(Path.GetTempPath(), "mesh-cluster-tests", node),
        },
        Regions = Layout.Select(l => new RegionOptions { Name = l.Region, Kind = l.Kind }).ToList(),
        Cluster = new ClusterTimingOptions
        {
            StableAfter = TimeSpan.FromSeconds(2), HeartbeatInterval = TimeSpan.FromMilliseconds(500), AcceptableHeartbeatPause = TimeSpan.FromSeconds(2),
        },
        InitialActiveRegion = "nyc1",
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails with <paramref name="what"/>.</summary>
    public static async Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what}");
            await Task.Delay(100);
        }
    }

    public static Task AwaitAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        AwaitAsync(() => Task.FromResult(condition()), timeout, what);
}
