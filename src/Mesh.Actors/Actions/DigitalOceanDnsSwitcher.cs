using Mesh.Actors.DigitalOcean;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

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
            results.Add(await SwitchRecordAsync(record, value, await client.ListRecordsAsync(_domain, record.Type, record.Name!, cancellationToken), cancellationToken));
        return new DnsSwitchReport(region, value, results);
    }

    public async Task<DnsRecordSwitch> SwitchRecordAsync(string recordName, string fromRegion, string toRegion, Epoch epoch, CancellationToken cancellationToken)
    {
        var record = dns.Records.FirstOrDefault(r => r.Name == recordName) ?? throw new ArgumentException($"'{recordName}' is not a configured record", nameof(recordName));
        var value = ValueOf(toRegion);
        var from = ValueOf(fromRegion);
        var found = await client.ListRecordsAsync(_domain, record.Type, recordName, cancellationToken);
        if (found.Count == 1 && !Same(found[0].Data, value) && !Same(found[0].Data, from))
            return new DnsRecordSwitch(recordName, record.Type, found[0].Data, value, DnsChange.Unchanged, false,
                $"{DigitalOceanClient.FullyQualified(recordName, _domain)} holds {found[0].Data}, neither {fromRegion}'s {from} nor {toRegion}'s {value}: it was changed outside the mesh; fix it or adopt");

        var marker = MarkerName(recordName);
        var markers = await client.ListRecordsAsync(_domain, "TXT", marker, cancellationToken);
        var recorded = markers.Select(m => EpochMarker.Parse(m.Data)).Where(m => m is not null).Select(m => m!.Value.Counter).DefaultIfEmpty(0).Max();
        if (recorded > epoch.Counter)
            throw new StaleEpochException($"DNS {DigitalOceanClient.FullyQualified(recordName, _domain)}", "switch-dns", new Epoch(recorded, ""), epoch);

        var result = await SwitchRecordAsync(record, value, found, cancellationToken);
        if (!result.Confirmed) return result;

        // The marker last: it claims the switch, so it is written only once the switch is read back.
        var text = EpochMarker.Format(epoch.Counter, toRegion);
        var marking = new DomainRecordRequest("TXT", marker, text, record.Ttl);
        if (markers.Count == 0) await client.CreateRecordAsync(_domain, marking, cancellationToken);
        else if (markers[0].Data != text || markers[0].Ttl != record.Ttl) await client.UpdateRecordAsync(_domain, markers[0].Id, marking, cancellationToken);
        return result;
    }

    private string ValueOf(string region) =>
        dns.Values.TryGetValue(region, out var v) ? v : throw new ArgumentException($"Failover.Dns.Values has no value for region '{region}'", nameof(region));

    /// <summary>The TXT record that carries a record's epoch: <c>_healthmesh.&lt;name&gt;</c>, or <c>_healthmesh</c> for the apex.</summary>
    public static string MarkerName(string recordName) => recordName == "@" ? "_healthmesh" : $"_healthmesh.{recordName}";

    public async Task<IReadOnlyList<DnsRecordReading>> ReadAsync(CancellationToken cancellationToken)
    {
        var readings = new List<DnsRecordReading>();
        foreach (var record in dns.Records)
        {
            var found = await client.ListRecordsAsync(_domain, record.Type, record.Name!, cancellationToken);
            var marker = (await client.ListRecordsAsync(_domain, "TXT", MarkerName(record.Name!), cancellationToken))
                .Select(m => m.Data).Where(m => EpochMarker.Parse(m) is not null).OrderByDescending(m => EpochMarker.Parse(m)!.Value.Counter).FirstOrDefault();
            readings.Add(found.Count == 1
                ? new DnsRecordReading(record.Name!, record.Type, found[0].Data, found[0].Ttl, marker)
                : new DnsRecordReading(record.Name!, record.Type, found.Count == 0 ? null : string.Join(",", found.Select(f => f.Data)), null, marker));
        }
        return readings;
    }

    /// <param name="found">The record's current entries (by type and name), as just listed.</param>
    private async Task<DnsRecordSwitch> SwitchRecordAsync(DnsRecordOptions record, string value, IReadOnlyList<DomainRecord> found, CancellationToken ct)
    {
        var name = record.Name!;
        DnsRecordSwitch Result(string? before, DnsChange change, bool confirmed, string? error) =>
            new(name, record.Type, before, value, change, confirmed, error);

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
