namespace Mesh.Contracts.Configuration;

public sealed record FailoverOptions
{
    public string Mode { get; init; } = FailoverModes.Automatic;
    /// <summary>Default: the majority of configured regions.</summary>
    public int? Quorum { get; init; }
    public TimeSpan ObservationMaxAge { get; init; } = TimeSpan.FromSeconds(5);
    public long MaxLagBytes { get; init; } = 16 * 1024 * 1024;
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(15);
    public LeaseOptions Lease { get; init; } = new();
    public SwitchoverOptions Switchover { get; init; } = new();
    public DnsOptions? Dns { get; init; }
    public FencingOptions Fencing { get; init; } = new();
}

public static class FailoverModes
{
    public const string Automatic = "automatic";
    public const string Manual = "manual";
    public const string DryRun = "dry-run";
    public static readonly IReadOnlyList<string> All = [Automatic, Manual, DryRun];
}

/// <summary>The active region's write lease (SPEC rule 4).</summary>
public sealed record LeaseOptions
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan FenceLead { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan DriftMargin { get; init; } = TimeSpan.FromSeconds(1);
}

public sealed record SwitchoverOptions
{
    public TimeSpan CatchUpTimeout { get; init; } = TimeSpan.FromMinutes(1);
}

public sealed record DnsOptions
{
    public string Provider { get; init; } = DnsProviders.DigitalOcean;
    public string? Domain { get; init; }
    public IReadOnlyList<DnsRecordOptions> Records { get; init; } = [];
    /// <summary>The record value for each site region.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
}

public static class DnsProviders
{
    public const string DigitalOcean = "digitalocean";
    public static readonly IReadOnlyList<string> All = [DigitalOcean];
}

public sealed record DnsRecordOptions
{
    public string? Name { get; init; }
    public string Type { get; init; } = "A";
    public int Ttl { get; init; } = 30;
}

public sealed record FencingOptions
{
    public string Postgres { get; init; } = PostgresFencing.Strict;
    public string Redis { get; init; } = RedisFencing.Replica;
    public bool PowerOffDroplets { get; init; }
    public bool AcceptUnreachablePrimary { get; init; }
    public IReadOnlyDictionary<string, string> DropletTags { get; init; } = new Dictionary<string, string>();
}

public static class PostgresFencing
{
    public const string Strict = "strict";
    public const string ReadOnly = "read-only";
    public const string None = "none";
    public static readonly IReadOnlyList<string> All = [Strict, ReadOnly, None];
}

public static class RedisFencing
{
    public const string Replica = "replica";
    public const string None = "none";
    public static readonly IReadOnlyList<string> All = [Replica, None];
}
