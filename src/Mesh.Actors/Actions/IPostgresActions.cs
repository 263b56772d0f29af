using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>
/// The failover's actions on one PostgreSQL server (SPEC 6 rules 5, 6, 7 and 10), from the mesh's own
/// database <c>healthmesh</c> on it. Every action may be repeated after any failure: each is idempotent,
/// bounded by <see cref="PostgresActionLimits"/>, serialised with other mesh nodes' actions on the same server,
/// and reports what it found and did in words. Fence, promote and unfence throw
/// <see cref="StaleEpochException"/>, having changed nothing, when the server records a newer epoch; they
/// throw <see cref="PostgresActionException"/> when the server cannot be reached or refuses a statement.
/// </summary>
public interface IPostgresActions : IAsyncDisposable
{
    /// <summary>host:port of the server.</summary>
    string Server { get; }

    /// <summary>Role, timeline, WAL positions, recorded epoch, fence state, prepared transactions.</summary>
    Task<PostgresReading> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Fences a primary (rule 5) and records <paramref name="epoch"/>. A server in recovery is never fenced:
    /// the result says so and nothing is done. Fails, saying why, while prepared transactions exist or
    /// client sessions cannot be ended; the same call succeeds once they are gone.
    /// </summary>
    Task<FenceResult> FenceAsync(Epoch epoch, FenceMode mode, CancellationToken cancellationToken);

    /// <summary>
    /// Promotes a standby (pg_promote, the point of no return), confirms it left recovery, opens it (its
    /// databases accept connections, the read-only default is reset: a fence may have replicated to it) and
    /// records <paramref name="epoch"/>. On a server already out of recovery it only opens it and records the
    /// epoch; it never calls pg_promote twice.
    /// </summary>
    Task<PromoteResult> PromoteAsync(Epoch epoch, CancellationToken cancellationToken);

    /// <summary>Lifts a strict or read-only fence from a primary and records <paramref name="epoch"/>.</summary>
    Task<UnfenceResult> UnfenceAsync(Epoch epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the mesh's role can fence this server (SPEC 6 rule 4's fence-readiness): superuser, or the
    /// ALTER SYSTEM privilege on <c>default_transaction_read_only</c> with <c>pg_signal_backend</c>; in words.
    /// </summary>
    Task<FencePrivileges> CheckFencePrivilegesAsync(CancellationToken cancellationToken);

    /// <summary>Whether this standby has replayed past <paramref name="lsn"/> (e.g. a fenced primary's <see cref="FenceResult.WalLsn"/>).</summary>
    Task<ReplayProgress> HasReplayedAsync(ulong lsn, CancellationToken cancellationToken);
}
