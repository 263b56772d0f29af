using System.Security.Cryptography;
using Mesh.Node.StandIns.DigitalOcean;

namespace Mesh.Node.Demo;

/// <summary>
/// The demo's DigitalOcean: the stateful stand-in, holding the shop's domain with its record pointing at nyc1,
/// and each site region's database and cache droplets, running, under that region's droplet tag.
/// </summary>
public sealed class DemoDigitalOcean : IAsyncDisposable
{
    private DemoDigitalOcean(DigitalOceanStandIn standIn, LocalDigitalOcean endpoint, IReadOnlyDictionary<string, IReadOnlyList<long>> droplets)
    {
        StandIn = standIn;
        Endpoint = endpoint;
        Droplets = droplets;
    }

    public DigitalOceanStandIn StandIn { get; }
    public LocalDigitalOcean Endpoint { get; }

    /// <summary>The ids of each site region's droplets (those tagged <see cref="LocalMeshConfig.DropletTags"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<long>> Droplets { get; }

    /// <param name="addresses">Where the stand-in listens (default 127.0.0.1 on a free port); several need one fixed <paramref name="port"/>.</param>
    public static async Task<DemoDigitalOcean> StartAsync(CancellationToken ct, IReadOnlyList<System.Net.IPAddress>? addresses = null, int port = 0)
    {
        // Fresh tokens per run, so the demo also shows that reads and writes use different ones.
        var token = "dop_v1_demo_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var actionsToken = "dop_v1_demo_actions_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var standIn = await DigitalOceanStandIn.StartAsync(new StandInOptions(token, actionsToken, port, addresses), ct);
        standIn.AddDomain(LocalMeshConfig.Domain);
        standIn.AddRecord(LocalMeshConfig.Domain, "A", LocalMeshConfig.RecordName, LocalMeshConfig.RegionValues["nyc1"], LocalMeshConfig.RecordTtl);
        var droplets = LocalMeshConfig.DropletTags.ToDictionary(kv => kv.Key,
            kv => (IReadOnlyList<long>)[.. new[] { "db", "cache" }.Select(role => standIn.AddDroplet($"{role}-{kv.Key}", kv.Key, [kv.Value]))]);
        return new DemoDigitalOcean(standIn, new LocalDigitalOcean(standIn.BaseAddress, token, actionsToken), droplets);
    }

    public ValueTask DisposeAsync() => StandIn.DisposeAsync();
}
