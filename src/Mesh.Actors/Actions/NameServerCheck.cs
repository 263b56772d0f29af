using System.Diagnostics;
using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Actions;

/// <summary>
/// Asks a domain's authoritative name servers for a switched record until each gives out the new value (SPEC 6
/// rule 8). The API's read-back proves the provider stored the record; this tells the operator when the servers
/// that the world's resolvers ask began answering it. Best effort and never a failure of the move: a server that
/// cannot be reached from this node, or that still answers the old value at the end, is named as such.
/// </summary>
/// <param name="resolver">Finds the domain's NS records and their addresses (the node's own resolver).</param>
/// <param name="port">The port the authoritative servers answer on: 53, except in tests.</param>
/// <param name="within">How long to keep asking.</param>
public sealed class NameServerCheck(ILookupClient resolver, int port, TimeSpan within, TimeSpan pollEvery)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(1);

    public static NameServerCheck ThroughThisHost() =>
        new(new LookupClient(new LookupClientOptions { UseCache = false, Timeout = QueryTimeout, Retries = 1 }), 53, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1));

    /// <summary>A sentence for the history: which servers answered <paramref name="value"/> and how long after the call, or what kept them from it.</summary>
    public async Task<string> WhenAnsweredAsync(string domain, DnsRecordOptions record, string value, CancellationToken ct)
    {
        var fqdn = record.Name is "@" ? domain : $"{record.Name}.{domain}";
        value = IPAddress.TryParse(value, out var ip) ? ip.ToString() : value.TrimEnd('.');
        var clock = Stopwatch.StartNew();
        IReadOnlyList<(string Name, IPAddress? Address)> servers;
        try
        {
            servers = await AuthoritativeServersAsync(domain, ct);
        }
        catch (DnsResponseException e)
        {
            return $"the authoritative name servers of {domain} cannot be found from this node ({e.Message})";
        }
        if (servers.Count == 0) return $"no authoritative name servers of {domain} are published where this node can see them";

        var answeredAt = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        var lastSeen = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            foreach (var (name, address) in servers.Where(s => !answeredAt.ContainsKey(s.Name)))
            {
                var seen = address is null ? "no address" : await AskAsync(address, fqdn, record.Type, ct);
                if (seen == value) answeredAt[name] = clock.Elapsed;
                else lastSeen[name] = seen;
            }
            if (answeredAt.Count == servers.Count)
                return $"{string.Join(", ", servers.Select(s => s.Name))} answered {value} for {fqdn} within {answeredAt.Values.Max().TotalSeconds:0.0} s of the switch";
            if (clock.Elapsed >= within)
                return string.Join("; ", servers.Select(s => answeredAt.TryGetValue(s.Name, out var at)
                    ? $"{s.Name} answered {value} after {at.TotalSeconds:0.0} s"
                    : $"{s.Name} did not answer {value} within {within.TotalSeconds:0.#} s (last: {lastSeen[s.Name]})"));
            await Task.Delay(pollEvery, ct);
        }
    }

    private async Task<IReadOnlyList<(string, IPAddress?)>> AuthoritativeServersAsync(string domain, CancellationToken ct)
    {
        var ns = await resolver.QueryAsync(domain, QueryType.NS, cancellationToken: ct);
        if (ns.HasError) throw new DnsResponseException(ns.ErrorMessage);
        var servers = new List<(string, IPAddress?)>();
        foreach (var name in ns.Answers.NsRecords().Select(r => r.NSDName.Value.TrimEnd('.')).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
        {
            var a = await resolver.QueryAsync(name, QueryType.A, cancellationToken: ct);
            servers.Add((name, a.Answers.ARecords().Select(r => r.Address).FirstOrDefault()));
        }
        return servers;
    }

    /// <summary>What one server answers for the record, without recursion: the value, or why there is none.</summary>
    private async Task<string> AskAsync(IPAddress server, string fqdn, string type, CancellationToken ct)
    {
        var client = new LookupClient(new LookupClientOptions(new IPEndPoint(server, port)) { Recursion = false, UseCache = false, Timeout = QueryTimeout, Retries = 0 });
        try
        {
            var answer = await client.QueryAsync(fqdn, Enum.Parse<QueryType>(type, ignoreCase: true), cancellationToken: ct);
            if (answer.HasError) return answer.ErrorMessage;
            var values = answer.Answers.Select(Value).OfType<string>().ToList();
            return values.Count == 0 ? "no record" : string.Join(", ", values);
        }
        catch (DnsResponseException e)
        {
            return $"not reachable ({e.Message})";
        }
    }

    private static string? Value(DnsResourceRecord r) => r switch
    {
        ARecord a => a.Address.ToString(),
        AaaaRecord aaaa => aaaa.Address.ToString(),
        CNameRecord cname => cname.CanonicalName.Value.TrimEnd('.'),
        _ => null,
    };
}
