using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Policy;

/// <summary>What an unfence decision of the active region depends on (SPEC 6 rule 5, last bullet).</summary>
/// <param name="Region">The stored active region, fenced by its own guards.</param>
/// <param name="UpVotes">The regions that vote it <c>up</c> in the latest round.</param>
/// <param name="NotInRecovery">
/// Every other site region's PostgreSQL server that does not read back in recovery (or was not read recently), in words;
/// one that cannot be read at all while its region stays fenced by the move away from it is not listed.
/// </param>
/// <param name="LeaseHolders">The region's guards that hold a lease now.</param>
/// <param name="LiftsWithinCooldown">Unfences recorded within Cooldown since the last operator's adopt.</param>
public sealed record UnfenceInput(
    string Region,
    bool MoveInProgress,
    bool Paused,
    IReadOnlyList<string> UpVotes,
    int Quorum,
    IReadOnlyList<string> NotInRecovery,
    IReadOnlyList<string> LeaseHolders,
    int LiftsWithinCooldown);

public sealed record UnfenceVerdict(bool Lift, IReadOnlyList<string> Reasons);

/// <summary>
/// When the coordinator lifts a fence its active region's guards put on themselves. Every precondition says the
/// region may write again without a second writer: it is still the active one, nothing moves, a quorum of
/// regions sees it up, every other PostgreSQL is a standby (or unreachable in a region fenced away), and a guard holds a lease again (so it would fence
/// again in time if the lease lapsed). A region that keeps fencing itself has a problem lifting cannot cure:
/// after <see cref="MaxLifts"/> lifts within Cooldown an operator decides.
/// </summary>
public static class UnfencePolicy
{
    public const int MaxLifts = 3;

    public static UnfenceVerdict Decide(UnfenceInput input, Epoch epoch)
    {
        ArgumentNullException.ThrowIfNull(input);
        var r = input.Region;
        var reasons = new List<string>();
        if (input.Paused) reasons.Add("paused: the fence stays until resume");
        if (input.MoveInProgress) reasons.Add("a move is in progress");
        if (input.UpVotes.Count < input.Quorum)
            reasons.Add($"only {input.UpVotes.Count} regions vote {r} up ({string.Join(", ", input.UpVotes)}); Quorum is {input.Quorum}");
        if (input.NotInRecovery.Count > 0)
            reasons.Add($"not every other PostgreSQL server reads back in recovery: {string.Join("; ", input.NotInRecovery)}");
        if (input.LeaseHolders.Count == 0) reasons.Add($"no guard of {r} holds a lease");
        if (input.LiftsWithinCooldown >= MaxLifts)
            reasons.Add($"{r} was unfenced {input.LiftsWithinCooldown} times within Cooldown and fenced itself again: lifting needs an operator " +
                        $"(POST /api/v1/failover/adopt with activeRegion {r} and epoch {epoch.Counter}, once the cause is mended)");
        return reasons.Count == 0
            ? new UnfenceVerdict(true, [$"{r} fenced itself; {input.UpVotes.Count} regions vote it up, every other PostgreSQL is a standby or fenced away, and {string.Join(", ", input.LeaseHolders)} hold{(input.LeaseHolders.Count == 1 ? "s" : "")} a lease again"])
            : new UnfenceVerdict(false, reasons.Select(x => $"{r} fenced itself and stays fenced: {x}").ToList());
    }
}
