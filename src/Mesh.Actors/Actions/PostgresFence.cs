using System.Diagnostics;
using Npgsql;
using static Mesh.Actors.Actions.PostgresSql;

namespace Mesh.Actors.Actions;

/// <summary>
/// The steps of the strict fence (SPEC 6 rule 5) and of lifting it, run from the mesh's session in
/// <c>healthmesh</c>. Each is idempotent and says in words what it found and did.
/// </summary>
internal static class PostgresFence
{
    /// <summary>Every database but healthmesh refuses new connections, whoever asks: superusers too, whatever they set.</summary>
    public static async Task<string> CloseDatabasesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var open = await NamesAsync(connection, "SELECT datname FROM pg_database WHERE datallowconn AND datname <> 'healthmesh' ORDER BY 1", ct);
        if (open.Count == 0) return "every other database already refused new connections";
        // One transaction: the databases close together or not at all.
        await ReadWriteAsync(connection, async tx =>
        {
            foreach (var name in open)
                await ExecAsync(connection, $"ALTER DATABASE {Ident(name)} ALLOW_CONNECTIONS false", ct, tx);
        }, ct);
        return $"closed {Count(open.Count, "database")} to new connections ({string.Join(", ", open)})";
    }

    /// <summary>
    /// Every database that refuses connections accepts them again, template0 excepted (it never does). A closure
    /// may have come from a fence on this server or, replicated, on its former primary.
    /// </summary>
    public static async Task<string> OpenDatabasesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var closed = await NamesAsync(connection, "SELECT datname FROM pg_database WHERE NOT datallowconn AND datname <> 'template0' ORDER BY 1", ct);
        if (closed.Count == 0) return "every database already accepted connections";
        await ReadWriteAsync(connection, async tx =>
        {
            foreach (var name in closed)
                await ExecAsync(connection, $"ALTER DATABASE {Ident(name)} ALLOW_CONNECTIONS true", ct, tx);
        }, ct);
        return $"opened {Count(closed.Count, "database")} to connections ({string.Join(", ", closed)})";
    }

    /// <summary>
    /// Turns the read-only default on or resets it, in postgresql.auto.conf (so it survives a restart), and
    /// reloads. Sessions that set their own value keep it: on its own this is advice, not a fence.
    /// </summary>
    public static async Task<string> SetReadOnlyDefaultAsync(NpgsqlConnection connection, bool on, CancellationToken ct)
    {
        await ExecAsync(connection, on
            ? "ALTER SYSTEM SET default_transaction_read_only = on"
            : "ALTER SYSTEM RESET default_transaction_read_only", ct);
        await ExecAsync(connection, "SELECT pg_reload_conf()", ct);
        return on
            ? "set default_transaction_read_only = on with ALTER SYSTEM and reloaded the configuration"
            : "reset default_transaction_read_only with ALTER SYSTEM and reloaded the configuration";
    }

    /// <summary>What ending client sessions achieved; <see cref="Problem"/> says why some are left.</summary>
    public sealed record Termination(int Ended, int Remaining, string? Problem)
    {
        public string Summary => Ended == 0 ? "found no client session to end" : $"ended {Count(Ended, "client session")}";
    }

    /// <summary>
    /// Ends every client session but this one, again and again until none is left outside healthmesh or
    /// <paramref name="within"/> has passed. Ending a session rolls back its open transaction; with the
    /// databases closed it cannot come back. Sessions in healthmesh (other mesh nodes') are ended too, but not
    /// waited for: they reconnect at will and cannot reach the shop's data. Replication (walsenders) goes on,
    /// so the fence reaches the standby.
    /// </summary>
    public static async Task<Termination> EndClientSessionsAsync(NpgsqlConnection connection, TimeSpan within, CancellationToken ct)
    {
        // Materialised first, so that the planner cannot call pg_terminate_backend before excluding our own pid.
        const string TerminateSql = """
            WITH others AS MATERIALIZED (
                SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid())
            SELECT pid FROM others WHERE pg_terminate_backend(pid)
            """;
        const string RemainingSql = """
            SELECT count(*)::int FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname IS DISTINCT FROM 'healthmesh'
            """;
        var ended = new HashSet<int>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using (var command = new NpgsqlCommand(TerminateSql, connection))
                await using (var reader = await command.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct)) ended.Add(reader.GetInt32(0));
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                var left = await ScalarAsync<int>(connection, RemainingSql, ct);
                return new Termination(ended.Count, left, $"{Count(left, "client session")} could not be ended: {e.MessageText} (the mesh's role needs superuser to end superusers' sessions)");
            }
            var remaining = await ScalarAsync<int>(connection, RemainingSql, ct);
            if (remaining == 0) return new Termination(ended.Count, 0, null);
            if (clock.Elapsed > within)
                return new Termination(ended.Count, remaining, $"{Count(remaining, "client session")} still connected after {within.TotalSeconds:0} s of ending them");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>
    /// Prepared transactions, which outlive the end of their sessions and can still be committed: each in words.
    /// Whether to commit or roll one back is not the mesh's to decide.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PreparedTransactionsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT gid, database, owner FROM pg_prepared_xacts ORDER BY prepared", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var found = new List<string>();
        while (await reader.ReadAsync(ct))
            found.Add($"'{reader.GetString(0)}' in database {reader.GetString(1)} by {reader.GetString(2)}");
        return found;
    }
}
