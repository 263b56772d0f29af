namespace Mesh.Actors.Actions;

/// <summary>
/// The bounds on every PostgreSQL action, so that a hung server or a lock held elsewhere ends an action
/// with an error instead of stalling the plan.
/// </summary>
/// <param name="ConnectTimeout">Opening one connection.</param>
/// <param name="CommandTimeout">One statement (pg_promote has its own bound).</param>
/// <param name="LockTimeout">Waiting for a lock: another mesh node's action on the same server, or a catalog row.</param>
/// <param name="TerminateWithin">Ending client sessions until none is left.</param>
/// <param name="ConfirmWithin">A new session seeing the reloaded configuration.</param>
/// <param name="PromoteWait">pg_promote's wait, and the wait after it for the server to leave recovery.</param>
public sealed record PostgresActionLimits(
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout,
    TimeSpan LockTimeout,
    TimeSpan TerminateWithin,
    TimeSpan ConfirmWithin,
    TimeSpan PromoteWait)
{
    public static readonly PostgresActionLimits Default = new(
        ConnectTimeout: TimeSpan.FromSeconds(5),
        CommandTimeout: TimeSpan.FromSeconds(10),
        LockTimeout: TimeSpan.FromSeconds(5),
        TerminateWithin: TimeSpan.FromSeconds(10),
        ConfirmWithin: TimeSpan.FromSeconds(5),
        PromoteWait: TimeSpan.FromSeconds(60));
}
