using Mesh.Actors.Actions;
using Mesh.Actors.DigitalOcean;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Reconcile;

/// <summary>Reads what rule 11 compares the stored state with. It changes nothing of the shop's (a first contact with a primary creates the mesh's own database there, as every action does).</summary>
public interface IResourceSurvey
{
    Task<ResourceFindings> TakeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Every grouped PostgreSQL server (in recovery or not, fenced, its epoch and timeline) and every configured DNS
/// record with its TXT epoch marker. A server or record that cannot be read is reported as such, with the reason:
/// the reconciliation decides what silence means.
/// </summary>
public sealed class ResourceSurvey(MeshOptions options, IResourceActions actions, IDnsSwitcher? dns) : IResourceSurvey
{
    public async Task<ResourceFindings> TakeAsync(CancellationToken cancellationToken)
    {
        var postgres = await Task.WhenAll(options.Targets.Where(t => t.Kind == TargetKinds.Postgres && t.Group is not null)
            .Select(t => ReadAsync(t, cancellationToken)));
        return new ResourceFindings(postgres, await ReadDnsAsync(cancellationToken));
    }

    private async Task<PostgresFinding> ReadAsync(TargetOptions target, CancellationToken ct)
    {
        try
        {
            var r = await actions.Postgres(target).ReadAsync(ct);
            return new PostgresFinding(target.Id!, target.Region!, true, r.InRecovery, r.Fenced, r.Epoch, (int)r.Timeline);
        }
        catch (PostgresActionException e)
        {
            return new PostgresFinding(target.Id!, target.Region!, false, false, false, null, null, e.Message);
        }
    }

    private async Task<IReadOnlyList<DnsFinding>> ReadDnsAsync(CancellationToken ct)
    {
        if (dns is null || options.Failover.Dns is not { } config) return [];
        try
        {
            return (await dns.ReadAsync(ct)).Select(r =>
            {
                var region = r.Value is null ? null : config.Values.FirstOrDefault(v => string.Equals(v.Value, r.Value, StringComparison.OrdinalIgnoreCase)).Key;
                var marker = EpochMarker.Parse(r.Marker);
                return new DnsFinding(r.Name, r.Value, region, marker is { } m ? new Epoch(m.Counter, "") : null, marker?.Region);
            }).ToList();
        }
        catch (Exception e) when (e is DigitalOceanApiException or HttpRequestException or TimeoutException)
        {
            return config.Records.Select(r => new DnsFinding(r.Name!, null, null, null, null, e.Message)).ToList();
        }
    }
}
