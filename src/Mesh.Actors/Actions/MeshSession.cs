using Npgsql;

namespace Mesh.Actors.Actions;

/// <summary>
/// A session of the mesh on one server: in its own database <c>healthmesh</c>, or, only on a standby whose
/// primary has never met the mesh (so the database has not replicated yet), in the target's own database.
/// </summary>
internal sealed class MeshSession(NpgsqlConnection connection, bool onMeshDatabase) : IAsyncDisposable
{
    public NpgsqlConnection Connection { get; } = connection;
    public bool OnMeshDatabase { get; } = onMeshDatabase;
    private bool _locked;

    // Any key will do as long as every node uses the same one ("hmsh", 1).
    private const string LockSql = "SELECT pg_advisory_lock(1752003432, 1)";
    private const string UnlockSql = "SELECT pg_advisory_unlock(1752003432, 1)";

    /// <summary>
    /// Takes the mesh's lock on this server, waiting at most the session's lock_timeout: one mesh action at a
    /// time per server, whichever node runs it, so that reading the epoch, acting and recording the epoch cannot
    /// interleave with a stale coordinator's action. A session-level advisory lock goes with its session, so
    /// a node that dies mid-action frees it. (On a standby without healthmesh the lock is taken in the target's
    /// database; advisory locks are per database, but such a standby has no epoch to protect yet.)
    /// </summary>
    public async Task LockAsync(CancellationToken ct)
    {
        await PostgresSql.ExecAsync(Connection, LockSql, ct);
        _locked = true;
    }

    public async ValueTask DisposeAsync()
    {
        // Released explicitly: a pooled session is reset only when it is next used, and would hold the lock till then.
        if (_locked && Connection.FullState == System.Data.ConnectionState.Open)
        {
            try
            {
                await PostgresSql.ExecAsync(Connection, UnlockSql, CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                // the session is broken, and the lock went with it
            }
        }
        await Connection.DisposeAsync();
    }
}
