using Mesh.Actors.DigitalOcean;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Actions;

/// <summary>
/// <see cref="IDnsSwitcher"/> on DigitalOcean: list by type and name, update in place (PUT of the whole
/// record) or create when missing, then read back through the API. A record that already holds the value
/// and TTL is not written, so a repeated switch makes no mutation. A name with several records of the
/// type is not the mesh's to choose among: it fails and is left alone.
/// </summary>
public sealed class DigitalOceanDnsSwitcher(DigitalOceanClient client, DnsOptions dns) : IDnsSwitcher
{
    private readonly string _domain = dns.Domain ?? throw new ArgumentException("Failover.Dns.Domain is required", nameof(dns));

    public async Task<DnsSwitchReport> SwitchAsync(string region, CancellationToken cancellationToken)
    {
        if (!dns.Values.TryGetValue(region, out var value))
            throw new ArgumentException($"Failover.Dns.Values has no value for region '{region}'", nameof(region));
        var results = new List<DnsRecordSwitch>();
        foreach (var record in dns.Records)
            results.Add(await SwitchRecordAsync(record, value, cancellationToken));
        return new DnsSwitchReport(region, value, results);
    }

    public async Task<IReadOnlyList<DnsRecordReading>> ReadAsync(CancellationToken cancellationToken)
    {
        var readings = new List<DnsRecordReading>();
        foreach (var record in dns.Records)
        {
            var found = await client.ListRecordsAsync(_domain, record.Type, record.Name!, cancellationToken);
            readings.Add(found.Count == 1
                ? new DnsRecordReading(record.Name!, record.Type, found[0].Data, found[0].Ttl)
                : new DnsRecordReading(record.Name!, record.Type, found.Count == 0 ? null : string.Join(",", found.Select(f => f.Data)), null));
        }
        return readings;
    }

    private async Task<DnsRecordSwitch> SwitchRecordAsync(DnsRecordOptions record, string value, CancellationToken ct)
    {
        var name = record.Name!;
        DnsRecordSwitch Result(string? before, DnsChange change, bool confirmed, string? error) =>
            new(name, record.Type, before, value, change, confirmed, error);

        var found = await client.ListRecordsAsync(_domain, record.Type, name, ct);
        if (found.Count > 1)
            return Result(null, DnsChange.Unchanged, false,
                $"{DigitalOceanClient.FullyQualified(name, _domain)} has {found.Count} {record.Type} records; the mesh switches a name only when it has exactly one");

        var wanted = new DomainRecordRequest(record.Type, name, value, record.Ttl);
        var existing = found.Count == 1 ? found[0] : null;
        DnsChange change;
        long id;
        if (existing is null)
        {
            id = (await client.CreateRecordAsync(_domain, wanted, ct)).Id;
            change = DnsChange.Created;
        }
        else if (Same(existing.Data, value) && existing.Ttl == record.Ttl)
        {
            id = existing.Id;
            change = DnsChange.Unchanged;
        }
        else
        {
            id = existing.Id;
            await client.UpdateRecordAsync(_domain, id, wanted, ct);
            change = DnsChange.Updated;
        }

        // The write's answer is not proof: only a fresh read of the record counts.
        var readBack = await client.GetRecordAsync(_domain, id, ct);
        return Same(readBack.Data, value)
            ? Result(existing?.Data, change, true, null)
            : Result(existing?.Data, change, false, $"read back {readBack.Data ?? "nothing"} after writing {value}");
    }

    // DNS names compare case-insensitively (CNAME values); addresses are written canonically by the validator.
    private static bool Same(string? a, string b) => string.Equals(a?.TrimEnd('.'), b.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
}
