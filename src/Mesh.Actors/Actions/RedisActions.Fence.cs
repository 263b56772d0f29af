using System.Globalization;
using System.Net.Sockets;
using Mesh.Contracts.Failover;
using StackExchange.Redis;

namespace Mesh.Actors.Actions;

/// <summary>The <c>replica</c> fence of SPEC 6 rule 5, and the two steps every change ends with: persist, then drop clients.</summary>
public sealed partial class RedisActions
{
    public async Task<RedisFenceReport> FenceAsync(Epoch epoch, string? replicaOf, CancellationToken cancellationToken)
    {
        var target = replicaOf is null ? (RedisEndpoint?)null
            : RedisEndpoint.TryParse(replicaOf, out var invalid) ?? throw new ArgumentException($"replicaOf: {invalid}", nameof(replicaOf));
        var ct = cancellationToken;
        var mux = await ConnectedAsync(ct);
        var server = Server(mux);
        var before = await ReadAsync(mux, staleEpochRead: true, ct);
        var steps = new List<string> { $"found {before.Summary}" };
        RedisFence.RefuseIfNewer(Resource, "fence", before.RecordedEpoch, epoch);

        var reachable = false;
        if (target is { } follow && before.Role == RedisRole.Primary)
        {
            reachable = await AcceptsConnectionAsync(follow, ct);
            if (!reachable) steps.Add($"{follow} did not accept a connection within {_connectTimeout.TotalMilliseconds:0} ms");
        }
        var plan = RedisFence.Plan(before, target, reachable);
        steps.Add(plan.Reason);
        if (plan.AlreadyFenced)
        {
            if (before.RecordedEpoch != epoch)
                steps.Add(before.Role == RedisRole.Replica
                    ? $"epoch {epoch} not recorded: a replica's keys come from its master"
                    : $"epoch {epoch} not recorded: the server refuses writes");
            // A repeat still persists: the attempt that fenced may have died before its CONFIG REWRITE.
            var unsaved = await PersistAsync(server, steps, ct);
            return new RedisFenceReport(_endpoint, epoch, plan.Method, true, null, unsaved, steps);
        }

        // Recorded while the server still takes writes: afterwards it takes none, the mesh's included.
        if (before.Role == RedisRole.Primary && before.AcceptsWrites) steps.Add(await RecordEpochAsync(mux, epoch, ct));
        else if (before.Role == RedisRole.Primary) steps.Add($"epoch {epoch} not recorded: the server already refuses writes");

        switch (plan.Method)
        {
            case RedisFenceMethod.ReplicaOf:
                var to = target!.Value;
                await RunAsync($"REPLICAOF {to.Host} {to.Port}", () => server.ExecuteAsync("REPLICAOF", to.Host, to.Port.ToString(CultureInfo.InvariantCulture)), ct);
                steps.Add($"REPLICAOF {to.Host} {to.Port}: it follows {to} and refuses client writes (READONLY)");
                break;
            case RedisFenceMethod.MinReplicas:
                if (before.MinReplicasMaxLag <= 0)
                {
                    await RunAsync("CONFIG SET min-replicas-max-lag", () => server.ConfigSetAsync("min-replicas-max-lag", RedisFence.FenceMaxLagSeconds), ct);
                    steps.Add($"CONFIG SET min-replicas-max-lag {RedisFence.FenceMaxLagSeconds} (at 0 Redis ignores min-replicas-to-write)");
                }
                await RunAsync("CONFIG SET min-replicas-to-write", () => server.ConfigSetAsync("min-replicas-to-write", RedisFence.UnmeetableReplicas), ct);
                steps.Add($"CONFIG SET min-replicas-to-write {RedisFence.UnmeetableReplicas}: it refuses client writes (NOREPLICAS)");
                break;
            case RedisFenceMethod.ReadOnlyReplica:
                await RunAsync("CONFIG SET replica-read-only yes", () => server.ConfigSetAsync("replica-read-only", "yes"), ct);
                steps.Add("CONFIG SET replica-read-only yes: it refuses client writes (READONLY)");
                break;
        }

        var after = await ReadAsync(mux, staleEpochRead: false, ct);
        var followed = plan.Method != RedisFenceMethod.ReplicaOf
            || RedisEndpoint.TryParse(after.Master, out _) is { } master && target!.Value.Is(master.Host, master.Port);
        if (after.AcceptsWrites || !followed)
            throw new RedisActionException(_endpoint, $"redis {_endpoint}: the fence did not take: the server now reads as {after.Summary}");

        var notPersisted = await PersistAsync(server, steps, ct);
        var disconnected = await DisconnectClientsAsync(server, steps, ct);
        return new RedisFenceReport(_endpoint, epoch, plan.Method, false, disconnected, notPersisted, steps);
    }

    /// <summary>
    /// Whether <paramref name="target"/> accepts a TCP connection from here within the connect timeout: the
    /// mesh's best evidence that the fenced server, beside it, can reach it too.
    /// </summary>
    private async Task<bool> AcceptsConnectionAsync(RedisEndpoint target, CancellationToken ct)
    {
        using var client = new TcpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_connectTimeout);
        try
        {
            await client.ConnectAsync(target.Host, target.Port, deadline.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary><c>CONFIG REWRITE</c>, so a restart keeps the change; null when it worked, else why not, in words.</summary>
    private async Task<string?> PersistAsync(IServer server, List<string> steps, CancellationToken ct)
    {
        try
        {
            await RunAsync("CONFIG REWRITE", () => server.ConfigRewriteAsync(), ct);
            steps.Add("CONFIG REWRITE: saved in its config file, so a restart keeps it");
            return null;
        }
        catch (RedisActionException e)
        {
            var why = e.Message.Contains("without a config file", StringComparison.OrdinalIgnoreCase)
                ? "CONFIG REWRITE failed: the server runs without a config file, so the change holds only until it restarts"
                : $"{e.Message}; the change holds only until the server restarts";
            steps.Add(why);
            return why;
        }
    }

    /// <summary>
    /// <c>CLIENT KILL TYPE normal</c> (the mesh's own connection is skipped, replication links are not of that type):
    /// clients reconnect and find the new primary. A failure is reported, not thrown: their writes fail anyway.
    /// </summary>
    private async Task<long?> DisconnectClientsAsync(IServer server, List<string> steps, CancellationToken ct)
    {
        try
        {
            var dropped = await RunAsync("CLIENT KILL TYPE normal", () => server.ClientKillAsync(clientType: ClientType.Normal), ct);
            steps.Add($"CLIENT KILL TYPE normal: {dropped} client connection{(dropped == 1 ? "" : "s")} dropped, to reconnect and find the new primary");
            return dropped;
        }
        catch (RedisActionException e)
        {
            steps.Add($"{e.Message}: connected clients stay connected, and their writes fail");
            return null;
        }
    }
}
