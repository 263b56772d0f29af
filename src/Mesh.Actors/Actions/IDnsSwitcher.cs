namespace Mesh.Actors.Actions;

/// <summary>Points the shop's DNS records (SPEC Failover.Dns) at a region. Each call is idempotent and may be repeated after any failure.</summary>
public interface IDnsSwitcher
{
    /// <summary>
    /// Points every configured record at <paramref name="region"/>'s value with the configured TTL (creating a
    /// missing one, updating in place otherwise, touching no other record), then reads each back. The
    /// report succeeds only when every record holds the new value.
    /// </summary>
    Task<DnsSwitchReport> SwitchAsync(string region, CancellationToken cancellationToken);

    /// <summary>
    /// The plan's <c>switch-dns:&lt;record&gt;</c> step (SPEC 6 rules 6 and 10) for one configured record: read it
    /// first and fail when it holds a value that is neither region's (someone changed it by hand); refuse with
    /// <see cref="StaleEpochException"/> when its TXT record <c>_healthmesh.&lt;name&gt;</c> records a newer epoch;
    /// update in place; read back; then write the TXT record <c>healthmesh epoch=&lt;counter&gt; active=&lt;region&gt;</c>.
    /// </summary>
    Task<DnsRecordSwitch> SwitchRecordAsync(string recordName, string fromRegion, string toRegion, Mesh.Contracts.Failover.Epoch epoch, CancellationToken cancellationToken);

    /// <summary>What every configured record and its TXT epoch marker hold now (null value when it does not exist).</summary>
    Task<IReadOnlyList<DnsRecordReading>> ReadAsync(CancellationToken cancellationToken);
}

/// <param name="Marker">The text of the record's TXT epoch marker (<c>_healthmesh.&lt;name&gt;</c>), null when there is none.</param>
public sealed record DnsRecordReading(string Name, string Type, string? Value, int? Ttl, string? Marker = null);

public enum DnsChange
{
    Unchanged,
    Updated,
    Created,
}

/// <summary>One record's switch: what it held, what it holds now, and whether the read-back confirmed it (else Error says why).</summary>
public sealed record DnsRecordSwitch(string Name, string Type, string? Before, string Value, DnsChange Change, bool Confirmed, string? Error);

public sealed record DnsSwitchReport(string Region, string Value, IReadOnlyList<DnsRecordSwitch> Records)
{
    public bool Succeeded => Records.Count > 0 && Records.All(r => r.Confirmed);
}
