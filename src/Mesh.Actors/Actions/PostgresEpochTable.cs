using Mesh.Contracts.Failover;
using Npgsql;

namespace Mesh.Actors.Actions;

/// <summary>
/// The epoch recorded at the server (SPEC 6 rule 10): one row in <c>healthmesh.epoch</c>, in the mesh's own
/// database. It replicates, so a standby reads its primary's, and a promoted standby starts from it.
/// </summary>
internal static class PostgresEpochTable
{
    public const string Database = "healthmesh";

    private const string CreateSql = """
        CREATE SCHEMA IF NOT EXISTS healthmesh;
        CREATE TABLE IF NOT EXISTS healthmesh.epoch (
            singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
            counter     bigint NOT NULL,
            incarnation text NOT NULL,
            action      text NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT now())
        """;

    // Never lowers the epoch, even for a writer that skipped the mesh's lock: the row changes only when the
    // new epoch is at least the recorded one. COLLATE "C" orders UTF-8 bytes, which is Epoch's ordinal order for
    // every incarnation the mesh writes (it differs only for characters beyond U+FFFF).
    private const string WriteSql = """
        INSERT INTO healthmesh.epoch AS e (singleton, counter, incarnation, action, recorded_at)
        VALUES (true, @counter, @incarnation, @action, now())
        ON CONFLICT (singleton) DO UPDATE
           SET counter = EXCLUDED.counter, incarnation = EXCLUDED.incarnation, action = EXCLUDED.action, recorded_at = EXCLUDED.recorded_at
         WHERE e.counter < EXCLUDED.counter
            OR (e.counter = EXCLUDED.counter AND e.incarnation COLLATE "C" <= EXCLUDED.incarnation COLLATE "C")
        """;

    /// <summary>Creates the schema and table on a primary; a concurrent creation by another node is fine.</summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            await PostgresSql.ReadWriteAsync(connection, tx => PostgresSql.ExecAsync(connection, CreateSql, ct, tx), ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateSchema)
        {
            // another node created it at the same moment
        }
    }

    /// <summary>The recorded epoch and the action that wrote it; null when the table does not exist (yet) or holds none.</summary>
    public static async Task<(Epoch Epoch, string Action)?> ReadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (!await PostgresSql.ScalarAsync<bool>(connection, "SELECT to_regclass('healthmesh.epoch') IS NOT NULL", ct)) return null;
        await using var command = new NpgsqlCommand("SELECT counter, incarnation, action FROM healthmesh.epoch", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return (new Epoch(reader.GetInt64(0), reader.GetString(1)), reader.GetString(2));
    }

    /// <summary>Records <paramref name="epoch"/>; throws <see cref="StaleEpochException"/> when a newer one is recorded.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, string server, string action, Epoch epoch, CancellationToken ct)
    {
        await EnsureAsync(connection, ct);
        var rows = 0;
        await PostgresSql.ReadWriteAsync(connection, async tx =>
        {
            await using var command = new NpgsqlCommand(WriteSql, connection, tx);
            command.Parameters.AddWithValue("counter", epoch.Counter);
            command.Parameters.AddWithValue("incarnation", epoch.Incarnation ?? "");
            command.Parameters.AddWithValue("action", action);
            rows = await command.ExecuteNonQueryAsync(ct);
        }, ct);
        if (rows == 0 && await ReadAsync(connection, ct) is { } recorded)
            throw new StaleEpochException(server, action, recorded.Epoch, epoch);
    }
}
