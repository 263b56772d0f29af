using Mesh.Contracts.Failover;

namespace Mesh.Actors.Fencing;

/// <summary>What a guard does to its own region's servers (SPEC 6 rules 4 and 5).</summary>
public interface IRegionFence
{
    /// <summary>
    /// Fences every primary of <paramref name="region"/>'s groups under <paramref name="epoch"/>; a server in
    /// recovery is never fenced. Never throws for a server's failure: the report says what failed.
    /// </summary>
    Task<RegionFenceReport> FenceAsync(string region, Epoch epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a fence could land now: every primary of the region reached, with the privileges the fence needs; and
    /// whether a primary is fenced already (by any node's guard: the coordinator lifts a self-fence only once it knows).
    /// </summary>
    Task<FenceReadiness> CheckReadinessAsync(string region, CancellationToken cancellationToken);
}

/// <summary>The outcome of a guard's fence.</summary>
/// <param name="Fenced">Every primary of the region is fenced (or none was writable).</param>
/// <param name="Stale">A server records a newer epoch than the fence's: a newer decision stands, the guard learns it from the store.</param>
/// <param name="Details">Per server, what was done or what failed, in words.</param>
public sealed record RegionFenceReport(bool Fenced, bool Stale, IReadOnlyList<string> Details);

/// <summary>A guard's fence-readiness (rule 4), in words.</summary>
/// <param name="FoundFenced">A primary of the region was found fenced, recording this epoch (<see cref="Epoch.Zero"/> when it records none).</param>
public sealed record FenceReadiness(bool Ready, string Reason, Epoch? FoundFenced = null)
{
    public static readonly FenceReadiness Unchecked = new(false, "not checked yet");
}
