using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>What a read of the stored failover state found.</summary>
public abstract record StateReadResult;

/// <summary>The stored state, merged from every replica that answered.</summary>
public sealed record StateFound(FailoverState State) : StateReadResult;

/// <summary>No replica that answered holds a state: nothing was ever stored (first start).</summary>
public sealed record NoStateStored : StateReadResult
{
    public static readonly NoStateStored Instance = new();
}

/// <summary>The read did not reach the replicas it needed; nothing can be concluded about the state.</summary>
public sealed record StateReadFailed(string Reason) : StateReadResult;

/// <summary>What became of a write of the stored failover state.</summary>
public abstract record StateWriteResult(FailoverState Attempted);

/// <summary>A majority of nodes stored <see cref="StateWriteResult.Attempted"/> on disk: the decision may take effect.</summary>
public sealed record StateWritten(FailoverState Attempted) : StateWriteResult(Attempted);

/// <summary>
/// Not known to be stored by a majority (a timeout, a disk that refused, a replicator that did not
/// answer). DistributedData never rolls a write back, so the attempted state may still be on some
/// nodes and spread from there. The decision must not take effect, and before anything else the
/// writer supersedes it with an abort record in a higher epoch (SPEC 6 rule 1).
/// </summary>
public sealed record StateWriteFailed(FailoverState Attempted, string Reason) : StateWriteResult(Attempted);

/// <summary>
/// Refused before anything was written: this node already holds a state in a newer epoch
/// (<see cref="StoredEpoch"/>), so the writer is stale and must read again before it decides anything.
/// </summary>
public sealed record StateWriteRefused(FailoverState Attempted, Epoch StoredEpoch, string Reason) : StateWriteResult(Attempted);
