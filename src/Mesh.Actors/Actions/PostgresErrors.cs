using Mesh.Actors.Probes;
using Npgsql;

namespace Mesh.Actors.Actions;

/// <summary>Why a PostgreSQL action failed, in words an operator can act on: no stack trace, no connection string.</summary>
internal static class PostgresErrors
{
    public static string Describe(Exception e, TimeSpan timeout) => e switch
    {
        PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } =>
            "timed out waiting for a lock (another mesh action on this server, or a long transaction, holds it)",
        PostgresException { SqlState: PostgresErrorCodes.InsufficientPrivilege } pg =>
            $"the mesh's role lacks a privilege the action needs: {pg.MessageText}",
        PostgresException pg => $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
        NpgsqlException { InnerException: TimeoutException } => $"timed out after {timeout.TotalSeconds:0} s",
        NpgsqlException { InnerException: { } inner } => ProbeErrors.Describe(inner, timeout),
        _ => ProbeErrors.Describe(e, timeout),
    };

    /// <summary>The session is gone (the server ended it, or the network did): pooled ones may be gone too.</summary>
    public static bool SessionLost(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException => true,
        _ => false,
    };
}
