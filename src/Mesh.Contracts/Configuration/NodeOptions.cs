namespace Mesh.Contracts.Configuration;

/// <summary>This node: its name, region, remoting endpoint, seeds, HTTP endpoint and data folder.</summary>
public sealed record NodeOptions
{
    public string? Name { get; init; }
    public string? Region { get; init; }
    /// <summary>The address remoting binds to.</summary>
    public string? Hostname { get; init; }
    /// <summary>The address other nodes reach this one at (NAT, public IP); defaults to <see cref="Hostname"/>.</summary>
    public string? PublicHostname { get; init; }
    public int? Port { get; init; }
    public IReadOnlyList<string> SeedNodes { get; init; } = [];
    /// <summary>Kestrel's URLs, separated by ';'.</summary>
    public string? HttpUrls { get; init; }
    public string? DataDir { get; init; }

    public string EffectivePublicHostname => string.IsNullOrWhiteSpace(PublicHostname) ? Hostname ?? "" : PublicHostname;
}
