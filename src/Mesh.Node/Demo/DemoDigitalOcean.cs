using System.Security.Cryptography;
using Mesh.Node.StandIns.DigitalOcean;

namespace Mesh.Node.Demo;

/// <summary>The demo's DigitalOcean: the stateful stand-in, holding the shop's domain with its record pointing at nyc1.</summary>
public sealed class DemoDigitalOcean : IAsyncDisposable
{
    private DemoDigitalOcean(DigitalOceanStandIn standIn, LocalDigitalOcean endpoint)
    {
        StandIn = standIn;
        Endpoint = endpoint;
    }

    public DigitalOceanStandIn StandIn { get; }
    public LocalDigitalOcean Endpoint { get; }

    public static async Task<DemoDigitalOcean> StartAsync(CancellationToken ct)
    {
        // Fresh tokens per run, so the demo also shows that reads and writes use different ones.
        var token = "dop_v1_demo_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var actionsToken = "dop_v1_demo_actions_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var standIn = await DigitalOceanStandIn.StartAsync(new StandInOptions(token, actionsToken), ct);
        standIn.AddDomain(LocalMeshConfig.Domain);
        standIn.AddRecord(LocalMeshConfig.Domain, "A", LocalMeshConfig.RecordName, LocalMeshConfig.RegionValues["nyc1"], LocalMeshConfig.RecordTtl);
        return new DemoDigitalOcean(standIn, new LocalDigitalOcean(standIn.BaseAddress, token, actionsToken));
    }

    public ValueTask DisposeAsync() => StandIn.DisposeAsync();
}
