using System.Globalization;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>
/// The decisions behind the Redis actions, as pure functions of what was read: what a server's answers mean,
/// which fence it needs, and when an epoch is refused.
/// </summary>
public static class RedisFence
{
    /// <summary>Where every Redis action records its epoch (SPEC 6 rule 10), as <c>counter/incarnation</c>.</summary>
    public const string EpochKey = "healthmesh:epoch";

    /// <summary>
    /// The <c>min-replicas-to-write</c> the fence sets. Any value from here up counts as the fence: no deployment
    /// has a million replicas, so such a primary refuses every write with NOREPLICAS.
    /// </summary>
    public const int UnmeetableReplicas = 1_000_000;

    /// <summary>The <c>min-replicas-max-lag</c> set with the fence when the server has none: at 0 Redis ignores <c>min-replicas-to-write</c>.</summary>
    public const int FenceMaxLagSeconds = 10;

    public static bool IsUnmeetable(int minReplicasToWrite, int minReplicasMaxLag) =>
        minReplicasToWrite >= UnmeetableReplicas && minReplicasMaxLag > 0;

    /// <summary>Rule 10: an action under <paramref name="attempted"/> is refused when the resource records a newer epoch; the same epoch is a repeat.</summary>
    public static void RefuseIfNewer(string resource, string action, Epoch? recorded, Epoch attempted)
    {
        if (recorded is { } r && r > attempted) throw new StaleEpochException(resource, action, r, attempted);
    }

    /// <summary>
    /// A reading from the server's answers: <c>INFO replication</c>, <c>CONFIG GET min-replicas-*</c>, and the
    /// epoch key's value (null when absent) or why it could not be read.
    /// </summary>
    public static RedisReading Read(string endpoint, string info, IReadOnlyDictionary<string, string> config, string? epochValue, string? epochError)
    {
        var fields = Fields(info);
        long? Number(string key) => fields.TryGetValue(key, out var v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
        int Setting(string key) => config.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

        var primary = fields.GetValueOrDefault("role") != "slave";
        var (epoch, unreadable) = ParseEpoch(epochValue, epochError);
        return new RedisReading
        {
            Endpoint = endpoint,
            Role = primary ? RedisRole.Primary : RedisRole.Replica,
            Master = primary ? null : MasterOf(fields),
            MasterLinkStatus = primary ? null : fields.GetValueOrDefault("master_link_status"),
            MasterReplOffset = Number("master_repl_offset") ?? 0,
            ReplicaReplOffset = primary ? null : Number("slave_repl_offset"),
            ConnectedReplicas = (int)(Number("connected_slaves") ?? 0),
            Replicas = primary ? ReplicasOf(fields) : [],
            RecordedEpoch = epoch,
            EpochUnreadable = unreadable,
            MinReplicasToWrite = Setting("min-replicas-to-write"),
            MinReplicasMaxLag = Setting("min-replicas-max-lag"),
            ReplicaReadOnly = primary || fields.GetValueOrDefault("slave_read_only") != "0",
        };
    }

    private static string? MasterOf(Dictionary<string, string> fields) =>
        fields.TryGetValue("master_host", out var host) && fields.TryGetValue("master_port", out var port)
            && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? new RedisEndpoint(host, p).ToString()
            : null;

    // slave0:ip=10.0.0.6,port=6379,state=online,offset=42,lag=0
    private static List<RedisReplicaLink> ReplicasOf(Dictionary<string, string> fields) =>
        fields.Where(f => f.Key.StartsWith("slave", StringComparison.Ordinal) && f.Key.Length > 5 && f.Key[5..].All(char.IsAsciiDigit))
            .OrderBy(f => int.Parse(f.Key[5..], CultureInfo.InvariantCulture))
            .Select(f => f.Value.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal))
            .Where(r => r.ContainsKey("ip") && int.TryParse(r.GetValueOrDefault("port"), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(r => new RedisReplicaLink(
                new RedisEndpoint(r["ip"], int.Parse(r["port"], CultureInfo.InvariantCulture)),
                r.GetValueOrDefault("state") ?? "unknown",
                long.TryParse(r.GetValueOrDefault("offset"), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0))
            .ToList();

    private static (Epoch?, string?) ParseEpoch(string? value, string? error)
    {
        if (error is not null) return (null, error);
        if (value is null) return (null, null);
        if (Epoch.TryParse(value, out var epoch)) return (epoch, null);
        var shown = value.Length > 40 ? value[..40] + "..." : value;
        return (null, $"{EpochKey} holds '{shown}', which is not an epoch");
    }

    private static Dictionary<string, string> Fields(string info) =>
        info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

    /// <summary>A reading in words, e.g. "a primary with 1 replica at offset 1234, taking writes, epoch 3/n1".</summary>
    public static string Describe(RedisReading r)
    {
        var epoch = r.RecordedEpoch is { } e ? $"epoch {e}" : r.EpochUnreadable is { } why ? $"epoch unknown ({why})" : "no epoch recorded";
        if (r.Role == RedisRole.Replica)
        {
            var writes = r.ReplicaReadOnly ? "read-only" : "taking writes (replica-read-only no)";
            return $"a replica of {r.Master ?? "an unknown master"} (link {r.MasterLinkStatus ?? "unknown"}) at offset {r.ReplicaReplOffset?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, {writes}, {epoch}";
        }
        var replicas = r.ConnectedReplicas == 1 ? "1 replica" : $"{r.ConnectedReplicas} replicas";
        var fence = r.MinReplicasFenced
            ? $"refusing writes (min-replicas-to-write {r.MinReplicasToWrite})"
            : "taking writes";
        return $"a primary with {replicas} at offset {r.MasterReplOffset}, {fence}, {epoch}";
    }

    /// <summary>
    /// Whether a replica has replayed up to a primary's offset. Offsets of the same stream compare directly: a
    /// primary whose writes are paused stops its offset (even its pings to replicas), so equality is reachable.
    /// </summary>
    public static RedisCatchUp CatchUp(RedisReading replica, long offset) =>
        replica.Role == RedisRole.Replica && replica.ReplicaReplOffset is { } replayed
            ? new(replica.Endpoint, offset, replayed, replica.MasterLinkStatus, replayed >= offset)
            : new(replica.Endpoint, offset, null, null, false);

    /// <summary>
    /// Which fence a server needs (rule 5). A read-only replica is fenced already. A primary follows
    /// <paramref name="replicaOf"/> when it was given and accepted a connection, else gets the min-replicas fence,
    /// unless it already has it. One exception: while <paramref name="replicaOf"/> is still this primary's own
    /// replica (not yet promoted), following it would cut the replication stream in flight to it (writes this
    /// primary acknowledged, then lost in the resynchronisation) and make each the other's replica. The
    /// min-replicas fence keeps that stream flowing; fenced again after the promotion, the primary then follows.
    /// </summary>
    public static RedisFencePlan Plan(RedisReading server, RedisEndpoint? replicaOf, bool replicaOfReachable)
    {
        if (server.Role == RedisRole.Replica)
        {
            if (!server.ReplicaReadOnly)
                return new(RedisFenceMethod.ReadOnlyReplica, false, "a replica that takes writes (replica-read-only no): making it read-only");
            return replicaOf is { } target && RedisEndpoint.TryParse(server.Master, out _) is { } master && target.Is(master.Host, master.Port)
                ? new(RedisFenceMethod.ReplicaOf, true, $"already a read-only replica of {target}: fenced")
                : new(RedisFenceMethod.ReadOnlyReplica, true, $"already a read-only replica of {server.Master ?? "another server"}: it takes no client writes, left as it is");
        }
        var ownReplica = replicaOf is { } named && server.Replicas.Any(r => named.Is(r.Endpoint.Host, r.Endpoint.Port));
        if (replicaOf is { } to && replicaOfReachable && !ownReplica)
            return new(RedisFenceMethod.ReplicaOf, false, $"making it a replica of {to}");
        var why = replicaOf is not { } other ? "no server to follow was named"
            : ownReplica ? $"{other} is still its replica, not yet promoted (fence again after the promotion to make it follow {other})"
            : $"{other} is not reachable";
        return server.MinReplicasFenced
            ? new(RedisFenceMethod.MinReplicas, true, $"{why}; it already refuses writes (min-replicas-to-write {server.MinReplicasToWrite}): fenced")
            : new(RedisFenceMethod.MinReplicas, false, $"{why}: making it refuse writes with min-replicas-to-write {UnmeetableReplicas}");
    }
}

/// <summary>The fence a server needs, whether it already has it, and why, in words.</summary>
public sealed record RedisFencePlan(RedisFenceMethod Method, bool AlreadyFenced, string Reason);
