using System.Text.RegularExpressions;

namespace Mesh.Contracts.Configuration;

/// <summary>A seed node address as written in the configuration: <c>akka.tcp://system@host:port</c> or <c>akka.ssl.tcp://…</c>.</summary>
public sealed record SeedAddress(string Protocol, string System, string Host, int Port)
{
    public override string ToString() => $"{Protocol}://{System}@{Host}:{Port}";
}

public static partial class AkkaAddresses
{
    public const string Tcp = "akka.tcp";
    public const string SslTcp = "akka.ssl.tcp";

    [GeneratedRegex(@"^(?<protocol>akka(\.[a-z]+)*\.tcp)://(?<system>[A-Za-z0-9][A-Za-z0-9_-]*)@(?<host>\[[0-9A-Fa-f:.]+\]|[^:/@\s]+):(?<port>\d{1,5})/?$")]
    private static partial Regex Pattern();

    public static SeedAddress? TryParse(string? value)
    {
        if (value is null) return null;
        var m = Pattern().Match(value);
        if (!m.Success || !int.TryParse(m.Groups["port"].Value, out var port) || port is < 1 or > 65535) return null;
        return new SeedAddress(m.Groups["protocol"].Value, m.Groups["system"].Value, m.Groups["host"].Value, port);
    }
}
