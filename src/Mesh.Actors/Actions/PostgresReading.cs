using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>
/// One PostgreSQL server as the mesh's session found it, from one session and one moment. "Fenced" is read
/// from the catalogs and the configuration files, never from what some session chose for itself.
/// </summary>
/// <param name="Server">host:port; never the connection string.</param>
/// <param name="Timeline">The timeline it writes (primary) or receives (standby).</param>
/// <param name="CurrentWalLsn">A primary's current WAL position; null on a standby.</param>
/// <param name="ReceiveLsn">A standby's last received position; null on a primary.</param>
/// <param name="ReplayLsn">A standby's last replayed position; null on a primary.</param>
/// <param name="Epoch">The epoch recorded in <c>healthmesh.epoch</c>; null when none is (a standby reads the replicated row).</param>
/// <param name="EpochAction">What recorded that epoch: fence, promote or unfence.</param>
/// <param name="ReadOnlyDefault">The configuration files (ALTER SYSTEM) set <c>default_transaction_read_only = on</c>.</param>
/// <param name="ReadOnlyInEffect">The reading's own session, which sets nothing itself, reads it on: the setting was reloaded.</param>
/// <param name="ClosedDatabases">Databases that refuse new connections, other than template0 and healthmesh.</param>
/// <param name="OpenDatabases">Databases that accept new connections, other than healthmesh.</param>
/// <param name="PreparedTransactions">Prepared transactions: they outlive their sessions and can still be committed.</param>
/// <param name="ClientBackends">Client sessions connected to databases other than healthmesh (the mesh's own excluded).</param>
public sealed record PostgresReading(
    string Server,
    bool InRecovery,
    long Timeline,
    ulong? CurrentWalLsn,
    ulong? ReceiveLsn,
    ulong? ReplayLsn,
    Epoch? Epoch,
    string? EpochAction,
    bool ReadOnlyDefault,
    bool ReadOnlyInEffect,
    IReadOnlyList<string> ClosedDatabases,
    IReadOnlyList<string> OpenDatabases,
    int PreparedTransactions,
    int ClientBackends)
{
    /// <summary>Some fence is in place: the read-only default, or a closed database.</summary>
    public bool Fenced => ReadOnlyDefault || ClosedDatabases.Count > 0;

    public override string ToString()
    {
        var role = InRecovery
            ? $"standby on timeline {Timeline}, received {Lsn.Format(ReceiveLsn)}, replayed {Lsn.Format(ReplayLsn)}"
            : $"primary on timeline {Timeline} at {Lsn.Format(CurrentWalLsn)}";
        var fence = Fenced
            ? "fenced (" + string.Join("; ", new[]
                {
                    ReadOnlyDefault ? "read-only default on" : null,
                    ClosedDatabases.Count > 0 ? $"closed: {string.Join(", ", ClosedDatabases)}" : null,
                }.Where(p => p is not null)) + ")"
            : "not fenced";
        var epoch = Epoch is { } e ? $"epoch {e} ({EpochAction})" : "no epoch recorded";
        return $"{Server}: {role}; {fence}; {epoch}; {ClientBackends} client sessions; {PreparedTransactions} prepared transactions";
    }
}
