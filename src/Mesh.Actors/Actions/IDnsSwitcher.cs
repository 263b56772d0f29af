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

    /// <summary>What every configured record holds now (null value when it does not exist).</summary>
    Task<IReadOnlyList<DnsRecordReading>> ReadAsync(CancellationToken cancellationToken);
}

public sealed record DnsRecordReading(string Name, string Type, string? Value, int? Ttl);

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
