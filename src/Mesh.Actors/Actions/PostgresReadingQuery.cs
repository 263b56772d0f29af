using Npgsql;
using NpgsqlTypes;

namespace Mesh.Actors.Actions;

/// <summary>Reads a <see cref="PostgresReading"/> in one session: one query for the server, one for the epoch.</summary>
internal static class PostgresReadingQuery
{
    // The timeline: a primary's from the name of the WAL file it writes, exact at once after a promotion
    // (pg_control_checkpoint lags until the next checkpoint); a standby's from the stream, else from its
    // last restartpoint. The read-only default: from the configuration files (what ALTER SYSTEM wrote and
    // every new session gets after a reload), and as this session sees it. Client sessions in healthmesh
    // are not counted: they cannot reach the shop's data, and other mesh nodes open them at any time.
    private const string Query = """
        SELECT pg_is_in_recovery(),
               CASE WHEN pg_is_in_recovery()
                    THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1)::bigint,
                                  (SELECT timeline_id FROM pg_control_checkpoint())::bigint)
                    ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END,
               CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn() END,
               CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() END,
               CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() END,
               COALESCE((SELECT setting::boolean FROM pg_file_settings
                          WHERE name = 'default_transaction_read_only' AND applied ORDER BY seqno DESC LIMIT 1), false),
               current_setting('default_transaction_read_only')::boolean,
               ARRAY(SELECT datname::text FROM pg_database WHERE NOT datallowconn AND datname NOT IN ('template0', 'healthmesh') ORDER BY 1),
               ARRAY(SELECT datname::text FROM pg_database WHERE datallowconn AND datname <> 'healthmesh' ORDER BY 1),
               (SELECT count(*) FROM pg_prepared_xacts)::int,
               (SELECT count(*) FROM pg_stat_activity
                 WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname IS DISTINCT FROM 'healthmesh')::int
        """;

    public static async Task<PostgresReading> ReadAsync(MeshSession session, string server, CancellationToken ct)
    {
        var connection = session.Connection;
        PostgresReading reading;
        await using (var command = new NpgsqlCommand(Query, connection))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            reading = new PostgresReading(
                Server: server,
                InRecovery: reader.GetBoolean(0),
                Timeline: reader.GetInt64(1),
                CurrentWalLsn: Lsn(reader, 2),
                ReceiveLsn: Lsn(reader, 3),
                ReplayLsn: Lsn(reader, 4),
                Epoch: null,
                EpochAction: null,
                ReadOnlyDefault: reader.GetBoolean(5),
                ReadOnlyInEffect: reader.GetBoolean(6),
                ClosedDatabases: reader.GetFieldValue<string[]>(7),
                OpenDatabases: reader.GetFieldValue<string[]>(8),
                PreparedTransactions: reader.GetInt32(9),
                ClientBackends: reader.GetInt32(10));
        }
        // Outside healthmesh (a standby whose primary never met the mesh) no epoch can be recorded.
        var epoch = session.OnMeshDatabase ? await PostgresEpochTable.ReadAsync(connection, ct) : null;
        return epoch is { } e ? reading with { Epoch = e.Epoch, EpochAction = e.Action } : reading;
    }

    // What the strict fence needs: ALTER SYSTEM (superuser, or the parameter privilege of PostgreSQL 15+),
    // ending other sessions (pg_signal_backend cannot end a superuser's), ALTER DATABASE on every database.
    private const string PrivilegesQuery = """
        SELECT r.rolsuper,
               has_parameter_privilege('default_transaction_read_only', 'ALTER SYSTEM'),
               pg_has_role('pg_signal_backend', 'MEMBER'),
               pg_is_in_recovery(),
               current_user::text
          FROM pg_roles r WHERE r.rolname = current_user
        """;

    public static async Task<FencePrivileges> PrivilegesAsync(NpgsqlConnection connection, string server, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(PrivilegesQuery, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var (super, alterSystem, signal, recovery, user) = (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetString(4));
        var can = super || alterSystem && signal;
        var why = super ? $"role {user} is a superuser"
            : can ? $"role {user} may ALTER SYSTEM default_transaction_read_only and end other sessions (not superusers')"
            : $"role {user} is no superuser and lacks {(alterSystem ? "pg_signal_backend" : "ALTER SYSTEM on default_transaction_read_only")}";
        return new FencePrivileges(server, can, recovery, why);
    }

    public static async Task<(bool InRecovery, ulong? ReplayLsn)> ReplayAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetBoolean(0), Lsn(reader, 1));
    }

    private static ulong? Lsn(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(ordinal);
}
