using System.Diagnostics;
using Mesh.Actors.Actions;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using Npgsql;
using NpgsqlTypes;

namespace Mesh.Actors.Probes;

/// <summary>
/// A PostgreSQL check: connect, then one query for the role and the replication positions. One
/// NpgsqlDataSource per target keeps a connection open between checks. A primary the mesh fenced fails the
/// check (it takes no writes) but says so in its facts (<see cref="ProbeFacts.FencedByMesh"/>): the strict fence
/// closes every database but the mesh's own, so when the target's database refuses connections the probe asks
/// there whether a fenced primary is behind the refusal.
/// </summary>
public sealed class PostgresProbe : IProbe
{
    // One round trip. pg_current_wal_lsn() fails during recovery, hence the CASEs. A standby that has
    // replayed all it received reports 0 s of lag even when the primary has been idle for a while.
    private const string FactsQuery = """
        SELECT pg_is_in_recovery(),
               CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn() END,
               pg_last_wal_receive_lsn(),
               pg_last_wal_replay_lsn(),
               CASE WHEN pg_is_in_recovery() THEN
                    CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                         ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)::float8 END END,
               CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END,
               (SELECT status FROM pg_stat_wal_receiver LIMIT 1),
               COALESCE((SELECT received_tli FROM pg_stat_wal_receiver LIMIT 1)::bigint, (SELECT timeline_id FROM pg_control_checkpoint())::bigint),
               (SELECT count(*) FROM pg_stat_replication)::int,
               current_setting('default_transaction_read_only')::bool
        """;

    private const string FencedQuery = "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only')::bool";
    private const string DatabaseClosed = "55000";

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _meshDatabase;
    private readonly ProbeSettings _settings;

    public PostgresProbe(string resolvedConnectionString, ProbeSettings settings)
    {
        _settings = settings;
        var builder = new NpgsqlConnectionStringBuilder(resolvedConnectionString)
        {
            Timeout = Math.Max(1, (int)Math.Ceiling(settings.ConnectTimeout.TotalSeconds)),
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(settings.Timeout.TotalSeconds)),
            ApplicationName = "health-mesh-probe",
            MaxPoolSize = 2,
            KeepAlive = Math.Max(1, (int)settings.Interval.TotalSeconds * 5),
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _meshDatabase = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = PostgresEpochTable.Database, MaxPoolSize = 1 }.ConnectionString);
    }

    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var phase = "connect";
        var budget = _settings.ConnectTimeout;
        try
        {
            using var connectCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectCts.CancelAfter(budget);
            await using var connection = await _dataSource.OpenConnectionAsync(connectCts.Token);

            phase = "query";
            budget = _settings.Timeout;
            clock.Restart();
            using var queryCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            queryCts.CancelAfter(budget);
            await using var command = new NpgsqlCommand(FactsQuery, connection);
            await using var reader = await command.ExecuteReaderAsync(queryCts.Token);
            await reader.ReadAsync(queryCts.Token);
            var standby = reader.GetBoolean(0);
            var facts = new ProbeFacts
            {
                Role = standby ? ServerRoles.Standby : ServerRoles.Primary,
                WritePosition = Lsn(reader, 1),
                ReceivePosition = Lsn(reader, 2),
                ReplayPosition = Lsn(reader, 3),
                LagSeconds = reader.IsDBNull(4) ? null : reader.GetDouble(4),
                ReplayPaused = reader.IsDBNull(5) ? null : reader.GetBoolean(5),
                UpstreamStatus = reader.IsDBNull(6) ? null : reader.GetString(6),
                Timeline = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                Replicas = standby ? null : reader.GetInt32(8),
            };
            if (!standby && reader.GetBoolean(9))
                return CheckResult.Fail(clock.Elapsed, "fenced by the mesh: a primary that is read-only", facts with { FencedByMesh = true });
            return CheckResult.Pass(clock.Elapsed, facts);
        }
        catch (PostgresException e) when (e.SqlState == DatabaseClosed && phase == "connect" && !cancellationToken.IsCancellationRequested)
        {
            var fenced = await FencedPrimaryBehindAsync(cancellationToken);
            return CheckResult.Fail(clock.Elapsed, $"{phase}: {Describe(e, budget)}{(fenced ? "; fenced by the mesh" : "")}",
                fenced ? new ProbeFacts { Role = ServerRoles.Primary, FencedByMesh = true } : ProbeFacts.None);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException
                                  && !cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail(clock.Elapsed, $"{phase}: {Describe(e, budget)}");
        }
    }

    /// <summary>Whether the server that closed the target's database is a read-only primary, asked in the mesh's own database; false when that cannot be read.</summary>
    private async Task<bool> FencedPrimaryBehindAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(_settings.Timeout);
            await using var connection = await _meshDatabase.OpenConnectionAsync(cts.Token);
            await using var command = new NpgsqlCommand(FencedQuery, connection);
            return await command.ExecuteScalarAsync(cts.Token) is true;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }

    private static long? Lsn(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : (long)(ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(ordinal);

    private static string Describe(Exception e, TimeSpan budget) => e switch
    {
        PostgresException pg => $"{pg.SqlState} {pg.MessageText}",
        NpgsqlException { InnerException: TimeoutException } => $"timed out after {budget.TotalMilliseconds:0} ms",
        NpgsqlException { InnerException: { } inner } and not PostgresException => ProbeErrors.Describe(inner, budget),
        _ => ProbeErrors.Describe(e, budget),
    };

    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync();
        await _meshDatabase.DisposeAsync();
    }
}
