using Mesh.Actors.Actions;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Fencing;

/// <summary>What a fresh reading of a PostgreSQL or Redis server found, as far as <see cref="StrayPrimaryRule"/> needs it.</summary>
/// <param name="Primary">Out of recovery (PostgreSQL) or a master (Redis).</param>
/// <param name="Fenced">Some mesh fence is in place (PostgreSQL: read-only default or a closed database; Redis: refuses client writes).</param>
/// <param name="RecordedEpoch">The epoch the server records (rule 10); null when none is, or it could not be read.</param>
public sealed record ServerFinding(bool Primary, bool Fenced, Epoch? RecordedEpoch)
{
    public static ServerFinding Of(PostgresReading reading) => new(!reading.InRecovery, reading.Fenced, reading.Epoch);
    public static ServerFinding Of(RedisReading reading) => new(reading.Role == RedisRole.Primary, reading.Fenced, reading.RecordedEpoch);
}

public enum StrayAction
{
    /// <summary>Nothing to do; the verdict's reason says why.</summary>
    LeaveAlone,

    /// <summary>Fence the server under the verdict's epoch.</summary>
    Fence,

    /// <summary>Mode <c>dry-run</c>: log what would be fenced and fence nothing (rule 4).</summary>
    LogOnly,
}

/// <summary>What to do with one server, and why in words an operator understands.</summary>
/// <param name="Epoch">The stored epoch to fence under; null when nothing is to be fenced.</param>
public sealed record StrayVerdict(StrayAction Action, Epoch? Epoch, string Reason)
{
    public static StrayVerdict Leave(string reason) => new(StrayAction.LeaveAlone, null, reason);
}

/// <summary>
/// SPEC 6 rule 5, third bullet: a writable primary in a region that is not active (an old primary coming back,
/// one started by hand) is fenced by any node that reaches it, after a majority read of the stored state, unless
/// the server records a newer epoch (rule 10). Pure functions of the stored state, the target and a reading.
/// </summary>
/// <remarks>
/// Conservative on purpose: a needless fence costs a write outage, a missed one two primaries, but this rule only
/// ever acts on regions the stored state says are not active. It never fences the stored active region's
/// primaries, never a server in recovery, and never the <c>To</c> region of a move in progress (before
/// <c>promoting</c> its servers are standbys anyway; from <c>promoting</c> on it is the active region). Pause does
/// not stop it (rule 13: a pause stops decisions, not safety actions).
/// </remarks>
public static class StrayPrimaryRule
{
    /// <summary>
    /// Whether an observation is worth an attempt (a majority read and a reading of the server): it was made from
    /// this node's region (a node that reaches the server), it saw a primary, and by this node's copy of the stored
    /// state the target's region may hold strays. The copy may lag; the attempt decides on a majority read.
    /// </summary>
    public static bool Suspect(TargetObserved observed, string ownRegion, TargetOptions? target, FailoverState? copy, FailoverOptions failover) =>
        target is not null
        && string.Equals(observed.Vantage, ownRegion, StringComparison.Ordinal)
        && observed.Facts.Role == ServerRoles.Primary
        && Before(copy, target, failover) is null;

    /// <summary>
    /// The verdict that needs no reading of the server: null when the target is a database the mesh fences, in a
    /// region the stored state makes neither active nor the destination of a move in progress.
    /// </summary>
    public static StrayVerdict? Before(FailoverState? stored, TargetOptions target, FailoverOptions failover)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(failover);
        var region = target.Region;
        if (target.Kind is not (TargetKinds.Postgres or TargetKinds.Redis))
            return StrayVerdict.Leave($"{target.Id} is not a database (kind {target.Kind}): only PostgreSQL and Redis primaries are fenced");
        if (target.Kind == TargetKinds.Postgres && failover.Fencing.Postgres == PostgresFencing.None)
            return StrayVerdict.Leave("Fencing.Postgres is none: the mesh fences no PostgreSQL server");
        if (target.Kind == TargetKinds.Redis && failover.Fencing.Redis == RedisFencing.None)
            return StrayVerdict.Leave("Fencing.Redis is none: the mesh fences no Redis server");
        if (stored is null)
            return StrayVerdict.Leave("no failover state is stored: no region is known to be active, so no primary is known to be a stray");
        if (string.Equals(region, stored.ActiveRegion, StringComparison.Ordinal))
            return StrayVerdict.Leave($"{region} is the active region at epoch {stored.Epoch.Counter}: its primaries are the writable ones");
        if (stored.Move is { } move && string.Equals(move.To, region, StringComparison.Ordinal))
            return StrayVerdict.Leave($"a {move.Kind} from {move.From} to {region} is in progress (epoch {stored.Epoch.Counter}, phase {stored.Phase}): the coordinator is promoting {region}");
        return null;
    }

    /// <summary>The verdict on <paramref name="target"/> from the majority read <paramref name="stored"/> and a fresh reading of the server.</summary>
    public static StrayVerdict Decide(FailoverState? stored, TargetOptions target, ServerFinding server, FailoverOptions failover)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (Before(stored, target, failover) is { } early) return early;
        var state = stored!;
        var epoch = state.Epoch;
        if (!server.Primary)
            return StrayVerdict.Leave($"{target.Id} is in recovery (a standby or replica): a standby is never fenced");
        if (server.RecordedEpoch is { } recorded && recorded > epoch)
            return StrayVerdict.Leave($"{target.Id} records epoch {recorded.Counter}, newer than the stored epoch {epoch.Counter}: a newer decision stands");
        if (server.Fenced && target.Kind == TargetKinds.Redis)
            // A Redis primary that refuses writes cannot record a newer epoch either: fencing it again would change nothing.
            return StrayVerdict.Leave($"{target.Id} already refuses writes");
        if (server.Fenced && server.RecordedEpoch is { } at && at >= epoch)
            return StrayVerdict.Leave($"{target.Id} is already fenced at epoch {at.Counter}");

        var why = $"{target.Id} is a writable primary in {target.Region} while epoch {epoch.Counter} makes {state.ActiveRegion} the active region";
        return failover.Mode == FailoverModes.DryRun
            ? new StrayVerdict(StrayAction.LogOnly, epoch, why + " (dry-run: nothing is fenced)")
            : new StrayVerdict(StrayAction.Fence, epoch, why);
    }
}
