using Mesh.Actors.Failover.Reconcile;
using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// The shop's resources as the safety scenarios move them, outliving any mesh that runs over them: each region's
/// primary (writable, fenced, or a standby, and the epoch it records) and the DNS record with its TXT epoch. The
/// coordinator's survey reads it on start (rule 11); the recording executor changes it as the plan's steps land.
/// </summary>
internal sealed class World
{
    private readonly object _gate = new();
    private readonly Dictionary<string, (bool Primary, bool Fenced, Epoch? Epoch)> _postgres = new(StringComparer.Ordinal)
    {
        ["nyc1"] = (true, false, null),
        ["ams3"] = (false, false, null),
    };
    private (string Region, Epoch? Txt) _dns = ("nyc1", null);

    public static readonly IReadOnlyDictionary<string, string> DnsValues = new Dictionary<string, string> { ["nyc1"] = "192.0.2.1", ["ams3"] = "198.51.100.2" };

    public string DnsRegion { get { lock (_gate) return _dns.Region; } }

    public void Fenced(string region, Epoch epoch)
    {
        lock (_gate) if (_postgres[region].Primary) _postgres[region] = (true, true, epoch);
    }

    /// <summary>The promotion: <paramref name="region"/>'s standby leaves recovery, open, recording the move's epoch.</summary>
    public void Promoted(string region, Epoch epoch)
    {
        lock (_gate) _postgres[region] = (true, false, epoch);
    }

    public void Unfenced(string region, Epoch epoch)
    {
        lock (_gate) if (_postgres[region].Primary) _postgres[region] = (true, false, epoch);
    }

    public void Switched(string region, Epoch epoch)
    {
        lock (_gate) _dns = (region, epoch);
    }

    public ResourceFindings Survey()
    {
        lock (_gate)
            return new ResourceFindings(
                _postgres.Select(kv => new PostgresFinding($"pg-{kv.Key}", kv.Key, true, !kv.Value.Primary, kv.Value.Fenced, kv.Value.Epoch, 1)).ToList(),
                [new DnsFinding("shop", DnsValues[_dns.Region], _dns.Region, _dns.Txt, _dns.Txt is null ? null : _dns.Region)]);
    }
}

internal sealed class WorldSurvey(World world) : IResourceSurvey
{
    public Task<ResourceFindings> TakeAsync(CancellationToken cancellationToken) => Task.FromResult(world.Survey());
}
