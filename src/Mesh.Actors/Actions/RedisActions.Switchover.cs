using System.Globalization;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>The planned switchover's Redis steps (SPEC 6 rule 7): hold the primary's writes, compare offsets, let go.</summary>
public sealed partial class RedisActions
{
    public async Task<RedisActionReport> PauseWritesAsync(Epoch epoch, TimeSpan duration, CancellationToken cancellationToken)
    {
        if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), "a pause needs a positive duration");
        var ct = cancellationToken;
        var mux = await ConnectedAsync(ct);
        var server = Server(mux);
        var before = await ReadAsync(mux, staleEpochRead: false, ct);
        var steps = new List<string> { $"found {before.Summary}" };
        RedisFence.RefuseIfNewer(Resource, "pause", before.RecordedEpoch, epoch);
        // A repeat finds the epoch recorded and writes nothing, so it is not held by its own earlier pause.
        steps.Add(before.Role == RedisRole.Primary && before.AcceptsWrites
            ? await RecordEpochAsync(mux, epoch, ct)
            : $"epoch {epoch} not recorded: the server takes no writes");
        var ms = ((long)Math.Ceiling(duration.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        await RunAsync($"CLIENT PAUSE {ms} WRITE", () => server.ExecuteAsync("CLIENT", "PAUSE", ms, "WRITE"), ct);
        steps.Add($"CLIENT PAUSE {ms} WRITE: client writes wait until it is unpaused or {duration.TotalSeconds:0.###} s have passed");
        return new RedisActionReport(_endpoint, "pause writes", epoch, true, null, steps);
    }

    public async Task<RedisActionReport> UnpauseAsync(Epoch epoch, CancellationToken cancellationToken)
    {
        var ct = cancellationToken;
        var mux = await ConnectedAsync(ct);
        var server = Server(mux);
        var before = await ReadAsync(mux, staleEpochRead: false, ct);
        var steps = new List<string> { $"found {before.Summary}" };
        RedisFence.RefuseIfNewer(Resource, "unpause", before.RecordedEpoch, epoch);
        await RunAsync("CLIENT UNPAUSE", () => server.ExecuteAsync("CLIENT", "UNPAUSE"), ct);
        steps.Add("CLIENT UNPAUSE: held and new client writes go on");
        steps.Add(before.Role == RedisRole.Primary && before.AcceptsWrites
            ? await RecordEpochAsync(mux, epoch, ct)
            : $"epoch {epoch} not recorded: the server takes no writes");
        return new RedisActionReport(_endpoint, "unpause", epoch, true, null, steps);
    }

    public async Task<RedisCatchUp> HasCaughtUpAsync(long offset, CancellationToken cancellationToken)
    {
        var mux = await ConnectedAsync(cancellationToken);
        return RedisFence.CatchUp(await ReadAsync(mux, staleEpochRead: false, cancellationToken), offset);
    }
}
