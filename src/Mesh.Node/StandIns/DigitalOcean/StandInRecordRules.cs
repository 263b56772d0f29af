using System.Net;
using System.Net.Sockets;

namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// The checks the real API makes on a record that the spec cannot express (it has no TTL minimum and no
/// per-type data format), so a client that passes Prism but would fail in production fails here too.
/// </summary>
internal static class StandInRecordRules
{
    public const int MinimumTtl = 30; // docs.digitalocean.com/glossary/ttl: "All DNS records require a minimum TTL value of 30 seconds."
    public const int DefaultTtl = 1800;

    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal)
        { "A", "AAAA", "CAA", "CNAME", "MX", "NS", "SOA", "SRV", "TXT" };

    // The spec's create schemas for these four require name and data.
    private static readonly IReadOnlySet<string> NeedName = new HashSet<string>(StringComparer.Ordinal) { "A", "AAAA", "CNAME", "TXT" };

    /// <summary>Null when <paramref name="record"/> may be stored, else the 422 message.</summary>
    public static string? Problem(RecordEntry record)
    {
        if (!Types.Contains(record.Type)) return $"type must be one of {string.Join(", ", Types)}";
        if (record.Ttl < MinimumTtl) return $"ttl must be at least {MinimumTtl} seconds";
        if (NeedName.Contains(record.Type) && string.IsNullOrWhiteSpace(record.Name)) return $"name is required for {record.Type} records";
        if (record.Type != "SOA" && string.IsNullOrWhiteSpace(record.Data)) return $"data is required for {record.Type} records";
        if (record.Type == "A" && !IsIPv4(record.Data)) return "data must be an IPv4 address for A records";
        if (record.Type == "AAAA" && !(IPAddress.TryParse(record.Data, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6))
            return "data must be an IPv6 address for AAAA records";
        return null;
    }

    /// <summary>Dotted quad only: IPAddress.TryParse also takes "1" or "1.2" as IPv4, which the API and the spec's pattern do not.</summary>
    public static bool IsIPv4(string text) =>
        text.Count(c => c == '.') == 3 && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetwork;
}
