using Npgsql;

namespace Mesh.Actors.Actions;

/// <summary>
/// The mesh's sessions on one server: pooled ones in <c>healthmesh</c> for the actions, new unpooled ones for
/// confirmations (a confirmation must come from a session that saw nothing of the action), and the target's
/// own database only to create <c>healthmesh</c> on first contact.
/// </summary>
internal sealed class PostgresSessions : IAsyncDisposable
{
    private readonly NpgsqlDataSource _pool;
    private readonly string _fresh;
    private readonly string _origin;
    private volatile bool _schemaReady;

    public string Server { get; }

    /// <summary>The password, so that an error text that somehow carries it can be scrubbed.</summary>
    public string? Password { get; }

    public PostgresSessions(string connectionString, PostgresActionLimits limits)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        Server = $"{target.Host}:{target.Port}";
        Password = target.Password;

        var lockTimeout = $"-c lock_timeout={(int)limits.LockTimeout.TotalMilliseconds}";
        NpgsqlConnectionStringBuilder Variant(string? database, bool pooled)
        {
            var b = new NpgsqlConnectionStringBuilder(target.ConnectionString)
            {
                Timeout = Seconds(limits.ConnectTimeout),
                CommandTimeout = Seconds(limits.CommandTimeout),
                ApplicationName = "health-mesh",
                Pooling = pooled,
                // The mesh talks to this one server, whatever its role: never to another host of a list.
                TargetSessionAttributes = "any",
                Options = string.IsNullOrWhiteSpace(target.Options) ? lockTimeout : $"{target.Options} {lockTimeout}",
            };
            if (database is not null) b.Database = database;
            if (pooled) b.MaxPoolSize = 3;
            return b;
        }

        _pool = NpgsqlDataSource.Create(Variant(PostgresEpochTable.Database, pooled: true).ConnectionString);
        _fresh = Variant(PostgresEpochTable.Database, pooled: false).ConnectionString;
        _origin = Variant(null, pooled: false).ConnectionString;
    }

    private static int Seconds(TimeSpan t) => Math.Max(1, (int)Math.Ceiling(t.TotalSeconds));

    /// <summary>A pooled session in healthmesh, creating the database, schema and table on first contact with a primary.</summary>
    public async Task<MeshSession> OpenAsync(CancellationToken ct)
    {
        var session = await OpenPooledAsync(ct) ?? await FirstContactAsync(ct);
        if (!session.OnMeshDatabase || _schemaReady) return session;
        try
        {
            if (!await PostgresSql.ScalarAsync<bool>(session.Connection, "SELECT pg_is_in_recovery()", ct))
            {
                await PostgresEpochTable.EnsureAsync(session.Connection, ct);
                _schemaReady = true;
            }
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new physical session, opened after everything the caller did: what it reads, every new client would.</summary>
    public async Task<MeshSession> OpenNewAsync(CancellationToken ct)
    {
        try
        {
            return new MeshSession(await OpenAsync(_fresh, ct), onMeshDatabase: true);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            return new MeshSession(await OpenAsync(_origin, ct), onMeshDatabase: false);
        }
    }

    /// <summary>Drops idle pooled sessions: after a fence ended them (ours among them), or after a session was lost.</summary>
    public void ClearPool() => _pool.Clear();

    // A pooled session may have been ended since it was last used (by a fence run from another node, or a
    // restart): it is checked, and on failure the pool is cleared and a new one opened.
    private async Task<MeshSession?> OpenPooledAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            NpgsqlConnection? connection = null;
            try
            {
                connection = await _pool.OpenConnectionAsync(ct);
                await PostgresSql.ExecAsync(connection, "SELECT 1", ct);
                return new MeshSession(connection, onMeshDatabase: true);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                if (connection is not null) await connection.DisposeAsync();
                return null;
            }
            catch (Exception e) when (attempt == 1 && PostgresErrors.SessionLost(e) && !ct.IsCancellationRequested)
            {
                if (connection is not null) await connection.DisposeAsync();
                ClearPool();
            }
        }
    }

    // healthmesh does not exist: create it from the target's own database, unless the server is a standby,
    // where it cannot be created and will arrive by replication from its primary.
    private async Task<MeshSession> FirstContactAsync(CancellationToken ct)
    {
        var origin = await OpenAsync(_origin, ct);
        try
        {
            if (await PostgresSql.ScalarAsync<bool>(origin, "SELECT pg_is_in_recovery()", ct))
                return new MeshSession(origin, onMeshDatabase: false);
            // CREATE DATABASE runs outside a transaction, so READ WRITE cannot be asked per transaction here.
            await PostgresSql.ExecAsync(origin, "SET default_transaction_read_only = off", ct);
            try
            {
                await PostgresSql.ExecAsync(origin, $"CREATE DATABASE {PostgresSql.Ident(PostgresEpochTable.Database)}", ct);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // another node created it at the same moment
            }
        }
        catch
        {
            await origin.DisposeAsync();
            throw;
        }
        await origin.DisposeAsync();
        return await OpenPooledAsync(ct)
               ?? throw new PostgresActionException($"{Server}: database {PostgresEpochTable.Database} was created but cannot be found", null);
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _pool.DisposeAsync();
}
