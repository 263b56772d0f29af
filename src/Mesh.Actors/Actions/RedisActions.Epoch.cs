using Mesh.Contracts.Failover;
using StackExchange.Redis;

namespace Mesh.Actors.Actions;

/// <summary>The epoch key (SPEC 6 rule 10): read, and written only by a compare-and-set against the value just read and checked.</summary>
public sealed partial class RedisActions
{
    // Sets the key only if it still holds what the mesh read and compared ('' for none): a newer epoch written
    // by another coordinator in between is never overwritten. The ordering itself stays in Epoch, in C#.
    private const string CompareAndSet = """
        local current = redis.call('GET', KEYS[1])
        if (current or '') ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[2])
        return 1
        """;

    private const int CompareAndSetAttempts = 3;

    /// <summary>The key's raw value (null when absent), or why it could not be read.</summary>
    private async Task<(string? Value, string? Error)> ReadEpochAsync(ConnectionMultiplexer mux, bool staleRead, CancellationToken ct)
    {
        var db = mux.GetDatabase();
        try
        {
            return ((string?)await db.StringGetAsync(RedisFence.EpochKey).WaitAsync(_timeout, ct), null);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal))
        {
            if (!staleRead) return (null, "a replica whose master link is down serves no reads (replica-serve-stale-data no)");
        }
        catch (Exception e) when (e is RedisException or TimeoutException && !ct.IsCancellationRequested)
        {
            throw Failed($"GET {RedisFence.EpochKey}", e);
        }

        var server = Server(mux);
        await RunAsync("CONFIG SET replica-serve-stale-data yes", () => server.ConfigSetAsync("replica-serve-stale-data", "yes"), ct);
        try
        {
            return ((string?)await RunAsync($"GET {RedisFence.EpochKey}", () => db.StringGetAsync(RedisFence.EpochKey), ct), null);
        }
        finally
        {
            await RunAsync("CONFIG SET replica-serve-stale-data no", () => server.ConfigSetAsync("replica-serve-stale-data", "no"), CancellationToken.None);
        }
    }

    /// <summary>
    /// Records <paramref name="epoch"/> on a primary that takes writes: refused when the key holds a newer one,
    /// nothing written when it holds this one. Returns what it did in words.
    /// </summary>
    private async Task<string> RecordEpochAsync(ConnectionMultiplexer mux, Epoch epoch, CancellationToken ct)
    {
        // The client library sends writes only to a server it last saw as a primary; after a promotion it must look again.
        if (Server(mux).IsReplica) await RunAsync("refreshing the client's view of the server", () => mux.ConfigureAsync(), ct);
        var db = mux.GetDatabase();
        for (var attempt = 0; attempt < CompareAndSetAttempts; attempt++)
        {
            var (current, error) = await ReadEpochAsync(mux, staleRead: false, ct);
            if (error is not null) throw new RedisActionException(_endpoint, $"redis {_endpoint}: cannot read {RedisFence.EpochKey}: {error}");
            var recorded = Epoch.TryParse(current, out var parsed) ? parsed : (Epoch?)null;
            RedisFence.RefuseIfNewer(Resource, "epoch write", recorded, epoch);
            if (recorded == epoch) return $"epoch {epoch} already recorded";

            var set = await RunAsync($"recording epoch {epoch} under {RedisFence.EpochKey}",
                () => db.ScriptEvaluateAsync(CompareAndSet, [RedisFence.EpochKey], [current ?? "", epoch.ToString()]), ct);
            if ((long)set == 1)
                return recorded is { } before ? $"recorded epoch {epoch} (was {before})"
                    : current is null ? $"recorded epoch {epoch}"
                    : $"recorded epoch {epoch} in place of '{current}', which was not an epoch";
        }
        throw new RedisActionException(_endpoint,
            $"redis {_endpoint}: {RedisFence.EpochKey} changed {CompareAndSetAttempts} times while epoch {epoch} was being recorded; another coordinator is writing it");
    }
}
