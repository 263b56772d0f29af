namespace Mesh.Actors.Failover;

/// <summary>The coordinator's store over the cluster's distributed data (majority reads and writes, durable on every node).</summary>
public sealed class DistributedFailoverStore(FailoverStateStore store) : IFailoverStore
{
    public async Task<Mesh.Contracts.Failover.FailoverState?> ReadAsync(CancellationToken cancellationToken) =>
        await store.ReadMajorityAsync(cancellationToken) switch
        {
            StateFound found => found.State,
            NoStateStored => null,
            StateReadFailed failed => throw new InvalidOperationException(failed.Reason),
            var other => throw new InvalidOperationException($"unexpected read result {other.GetType().Name}"),
        };

    public async Task WriteAsync(Mesh.Contracts.Failover.FailoverState state, CancellationToken cancellationToken)
    {
        switch (await store.WriteMajorityAsync(state, cancellationToken))
        {
            case StateWritten:
                return;
            case StateWriteRefused refused:
                throw new StoreWriteFailedException(refused.Reason, stale: true);
            case StateWriteFailed failed:
                throw new StoreWriteFailedException(failed.Reason);
        }
    }
}
