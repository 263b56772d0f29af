using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>
/// Where the coordinator keeps the failover state (SPEC 6 rule 1): majority reads and writes, on disk.
/// A write either reached a majority or throws <see cref="StoreWriteFailedException"/>; a decision takes
/// effect only after its write succeeded.
/// </summary>
public interface IFailoverStore
{
    /// <summary>The stored state, or null when nothing was ever stored.</summary>
    Task<FailoverState?> ReadAsync(CancellationToken cancellationToken);

    Task WriteAsync(FailoverState state, CancellationToken cancellationToken);
}

/// <summary>
/// A write that did not reach a majority in time: it may still land on some replicas, so it is superseded by an
/// abort record. <see cref="Stale"/>: refused because the store holds a newer epoch; nothing was written, and
/// the writer must read the state again before it decides anything.
/// </summary>
public sealed class StoreWriteFailedException(string message, bool stale = false) : Exception(message)
{
    public bool Stale { get; } = stale;
}
