using System.Globalization;

namespace Mesh.Actors.Actions;

/// <summary>A Redis server's host and port, as <c>REPLICAOF</c> takes them and <c>INFO replication</c> shows them.</summary>
public readonly record struct RedisEndpoint(string Host, int Port)
{
    /// <summary><c>host:port</c> (an IPv6 host in brackets); null with the reason when it is not one.</summary>
    public static RedisEndpoint? TryParse(string? text, out string? error)
    {
        error = null;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0 || colon == text.Length - 1)
        {
            error = $"'{text}' is not host:port";
            return null;
        }
        var host = text[..colon].Trim('[', ']');
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{text}' has no valid port";
            return null;
        }
        return new RedisEndpoint(host, port);
    }

    public static RedisEndpoint Parse(string text) =>
        TryParse(text, out var error) ?? throw new ArgumentException(error, nameof(text));

    /// <summary>Whether a replica's <c>master_host</c> and <c>master_port</c> name this endpoint (host names compare case-insensitively).</summary>
    public bool Is(string? host, int? port) =>
        port == Port && string.Equals(host?.Trim('[', ']'), Host, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
