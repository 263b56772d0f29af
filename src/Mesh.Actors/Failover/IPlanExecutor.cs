using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>
/// Runs one step of a plan against the real resources (fence, grant leases, promote, switch DNS). Every step
/// is idempotent and carries the move's epoch, which the resources check (rule 10), so running a step again
/// after a crash or a lost answer is always safe.
/// </summary>
public interface IPlanExecutor
{
    Task<StepOutcome> RunAsync(Move move, string step, CancellationToken cancellationToken);

    /// <summary>
    /// After a <c>switch-dns</c> step succeeded: when the record's authoritative name servers answered the new value,
    /// in words for the history (SPEC 6 rule 8); null when there is nothing to say. Never fails the move.
    /// </summary>
    Task<string?> NameServersAnsweredAsync(Move move, string step, CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>A step's result; the fence step also reports what it learned (the coordinator judges whether it proves the fence).</summary>
/// <param name="AbortsMove">
/// The step failed in a way that retrying cannot mend within the move's promise: a planned switchover whose new
/// region did not catch up in time. The coordinator records an abort and lifts the fence instead of retrying.
/// </param>
public sealed record StepOutcome(bool Ok, string? Error, FenceFacts? Fence = null, bool AbortsMove = false)
{
    public static readonly StepOutcome Done = new(true, null);
    public static StepOutcome Failed(string error) => new(false, error);
}
