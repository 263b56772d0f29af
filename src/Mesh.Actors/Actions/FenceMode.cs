namespace Mesh.Actors.Actions;

/// <summary>How a PostgreSQL primary is fenced (SPEC <c>Fencing.Postgres</c>).</summary>
public enum FenceMode
{
    /// <summary>
    /// Rule 5's fence: every other database closed to new connections, the read-only default on, every
    /// client session ended, no prepared transaction left. No client can commit afterwards, whatever it sets.
    /// </summary>
    Strict,

    /// <summary>
    /// Advisory only: the read-only default on and reloaded. Any client can override it (<c>SET
    /// default_transaction_read_only = off</c>, <c>BEGIN READ WRITE</c>, role settings, startup options), so it
    /// proves nothing about what the server can still commit.
    /// </summary>
    ReadOnly,
}
