using Mesh.Contracts.Failover;
using StackExchange.Redis;

namespace Mesh.Actors.Actions;

/// <summary>Promotion (SPEC 6 rule 6) and the lifting of a min-replicas fence (rule 5's unfence).</summary>
public sealed partial class RedisActions
{
    private const string Promote = "promote";
    private const string Unfence = "unfence";

    public async Task<RedisActionReport> PromoteAsync(Epoch epoch, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var mux = await ConnectedAsync(ct);
        var server = Server(mux);
        // A replica cut off from its master may refuse reads; the epoch is still checked before the point of no return.
        var before = await ReadAsync(mux, staleEpochRead: true, ct);
        var steps = new List<string> { $"found {before.Summary}" };
        RedisFence.RefuseIfNewer(Resource, "promote", before.RecordedEpoch, epoch);
        if (before.Role == RedisRole.Primary && before.AcceptsWrites && before.RecordedEpoch == epoch)
        {
            steps.Add($"already a primary taking writes under epoch {epoch}: nothing to do");
            return new RedisActionReport(_endpoint, Promote, epoch, false, null, steps);
        }

        if (before.Role == RedisRole.Replica)
        {
            await RunAsync("REPLICAOF NO ONE", () => server.ExecuteAsync("REPLICAOF", "NO", "ONE"), ct);
            steps.Add($"REPLICAOF NO ONE: it no longer follows {before.Master ?? "its master"}");
        }
        await LiftMinReplicasAsync(server, before, steps, ct);
        await ConfirmWritableAsync(mux, Promote, ct);
        // Persisted on a repeat too: the attempt that promoted may have died before its CONFIG REWRITE, and a
        // restart from a file that still says "replicaof" would demote the new primary.
        var notPersisted = await PersistAsync(server, steps, ct);
        steps.Add(await RecordEpochAsync(mux, epoch, ct));
        return new RedisActionReport(_endpoint, Promote, epoch, true, notPersisted, steps);
    }

    public async Task<RedisActionReport> UnfenceAsync(Epoch epoch, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var mux = await ConnectedAsync(ct);
        var server = Server(mux);
        var before = await ReadAsync(mux, staleEpochRead: false, ct);
        var steps = new List<string> { $"found {before.Summary}" };
        RedisFence.RefuseIfNewer(Resource, "unfence", before.RecordedEpoch, epoch);
        if (before.Role == RedisRole.Replica)
            throw new RedisActionException(_endpoint,
                $"redis {_endpoint}: cannot unfence {before.Summary}: lifting a fence does not make a replica a primary (that is a promotion)");
        if (before.AcceptsWrites && before.RecordedEpoch == epoch)
        {
            steps.Add($"already taking writes under epoch {epoch}: nothing to do");
            return new RedisActionReport(_endpoint, Unfence, epoch, false, null, steps);
        }

        await LiftMinReplicasAsync(server, before, steps, ct);
        await ConfirmWritableAsync(mux, Unfence, ct);
        var notPersisted = await PersistAsync(server, steps, ct);
        steps.Add(await RecordEpochAsync(mux, epoch, ct));
        return new RedisActionReport(_endpoint, Unfence, epoch, true, notPersisted, steps);
    }

    /// <summary>
    /// Sets <c>min-replicas-to-write</c> back to 0 when the mesh's fence holds it. The value the operator had
    /// before the fence is not known (the fence overwrote it), so a setting of their own must be set again by them.
    /// </summary>
    private async Task LiftMinReplicasAsync(IServer server, RedisReading before, List<string> steps, CancellationToken ct)
    {
        if (!before.MinReplicasFenced) return;
        await RunAsync("CONFIG SET min-replicas-to-write 0", () => server.ConfigSetAsync("min-replicas-to-write", 0), ct);
        steps.Add($"CONFIG SET min-replicas-to-write 0 (was {before.MinReplicasToWrite}): the min-replicas fence is lifted");
    }

    private async Task ConfirmWritableAsync(ConnectionMultiplexer mux, string action, CancellationToken ct)
    {
        var after = await ReadAsync(mux, staleEpochRead: false, ct);
        if (after.Role != RedisRole.Primary || !after.AcceptsWrites)
            throw new RedisActionException(_endpoint, $"redis {_endpoint}: the {action} did not take: the server now reads as {after.Summary}");
    }
}
