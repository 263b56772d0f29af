using Akka.Actor;

namespace Mesh.Actors.DurableData;

/// <summary>
/// Whether this node's durable store has handed its entries to the replicator. Akka's replicator
/// answers reads and writes while it is still loading, so an early read could say "nothing stored"
/// when the disk says otherwise; the failover state store waits for this first.
/// </summary>
public sealed class DurableDataReadiness : IExtension
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the entries on disk are with the replicator; faults, in words, when they cannot be loaded.</summary>
    public Task Loaded => _loaded.Task;

    public static DurableDataReadiness Get(ActorSystem system) => system.WithExtension<DurableDataReadiness, Provider>();

    internal void MarkLoaded() => _loaded.TrySetResult();

    internal void MarkFailed(string reason) => _loaded.TrySetException(new DurableDataUnavailableException(reason));

    private sealed class Provider : ExtensionIdProvider<DurableDataReadiness>
    {
        public override DurableDataReadiness CreateExtension(ExtendedActorSystem system) => new();
    }
}

/// <summary>This node's durable data could not be loaded; the message says why and what to do.</summary>
public sealed class DurableDataUnavailableException(string message) : Exception(message);
