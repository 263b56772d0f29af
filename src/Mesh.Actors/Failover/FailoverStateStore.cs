using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Akka.DistributedData;
using Mesh.Actors.DurableData;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>
/// The stored failover state (SPEC 6 rule 1) over Akka DistributedData: one durable key, majority
/// reads and writes. Every node runs a replica; any node may read, only the coordinator writes.
/// An actor pipes the results to itself (<c>store.WriteMajorityAsync(s).PipeTo(Self)</c>); every
/// outcome is a result record, none is an exception.
/// </summary>
/// <remarks>
/// What a majority means here: more than half of the members this node's replicator counts (all Up
/// members; see <see cref="ReplicaCountAsync"/>), unreachable ones included, so a write from a
/// minority side times out. A successful majority write is on the disks of a majority, and a later
/// majority read overlaps it, as long as membership does not change in between. DistributedData
/// has no compare-and-set: two writers can both succeed, and the replicas then keep the higher
/// epoch (<see cref="FailoverStateRegister"/>). So a coordinator reads with a majority before it
/// decides, and the resources' own epoch checks (rule 10) remain the fence.
/// </remarks>
public sealed class FailoverStateStore : IStateMajorityReader
{
    /// <summary>The default for how long a majority may take to answer.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    // The replicator answers a majority operation within its timeout; past this much more it is not answering at all.
    private static readonly TimeSpan AnswerGrace = TimeSpan.FromSeconds(2);

    private readonly IActorRef _replicator;
    private readonly FailoverStateKey _key;
    private readonly Task _loaded;

    /// <param name="timeout">How long a majority read or write may take before it counts as failed (default <see cref="DefaultTimeout"/>).</param>
    public FailoverStateStore(ActorSystem system, TimeSpan? timeout = null) : this(system, timeout ?? DefaultTimeout, FailoverStateKey.Default)
    {
    }

    internal FailoverStateStore(ActorSystem system, TimeSpan timeout, FailoverStateKey key)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var data = DistributedData.Get(system);
        _replicator = data.Replicator;
        _loaded = UsesFileDurableStore(system) && data.IsDurable ? DurableDataReadiness.Get(system).Loaded : Task.CompletedTask;
        _key = key;
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }

    /// <summary>The state as a majority of nodes hold it, merged: what every decision starts from.</summary>
    public Task<StateReadResult> ReadMajorityAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(new ReadMajority(Timeout), cancellationToken);

    /// <summary>This node's replica only: what a lease grantor consults (it may lag a majority write by a gossip round).</summary>
    public Task<StateReadResult> ReadLocalAsync(CancellationToken cancellationToken = default) =>
        ReadAsync(ReadLocal.Instance, cancellationToken);

    /// <summary>
    /// Stores <paramref name="state"/> and answers <see cref="StateWritten"/> only once a majority of
    /// nodes has it on disk. A state in an older epoch than this node holds is refused.
    /// </summary>
    public async Task<StateWriteResult> WriteMajorityAsync(FailoverState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (await NotLoadedAsync(cancellationToken) is { } notLoaded) return new StateWriteFailed(state, notLoaded);

        var update = Dsl.Update(_key, new WriteMajority(Timeout), current => FailoverStateRegister.After(current, state));
        var answer = await AskAsync(update, cancellationToken);
        return answer switch
        {
            UpdateSuccess => new StateWritten(state),
            ModifyFailure { Cause: StaleStateWriteException stale } => new StateWriteRefused(state, stale.Stored,
                $"this node already holds the failover state at epoch {stale.Stored}, newer than {state.Epoch}: the writer is stale and must read again"),
            UpdateTimeout => new StateWriteFailed(state,
                $"fewer than a majority of nodes stored epoch {state.Epoch} within {Seconds(Timeout)} (a majority of the mesh is unreachable or slow); "
                + "the write may still reach some nodes"),
            StoreFailure => new StateWriteFailed(state, $"this node could not write epoch {state.Epoch} to its disk (the node's log says why)"),
            null => new StateWriteFailed(state, Silent),
            _ => new StateWriteFailed(state, $"the replicator refused the write of epoch {state.Epoch} ({answer.GetType().Name})"),
        };
    }

    /// <summary>Changes to this node's replica are sent to <paramref name="subscriber"/> as <see cref="Changed"/>; read them with <see cref="TryRead"/>.</summary>
    public void Subscribe(IActorRef subscriber) => _replicator.Tell(Dsl.Subscribe(_key, subscriber));

    /// <summary>The state in a <see cref="Changed"/> notification for this store's key.</summary>
    public bool TryRead(Changed changed, [NotNullWhen(true)] out FailoverState? state)
    {
        ArgumentNullException.ThrowIfNull(changed);
        state = changed.Key.Equals(_key) && changed.Data is FailoverStateRegister register ? register.State : null;
        return state is not null;
    }

    /// <summary>How many nodes (this one included) this node's replicator counts; a majority is more than half of them.</summary>
    public async Task<int> ReplicaCountAsync(CancellationToken cancellationToken = default) =>
        (await _replicator.Ask<ReplicaCount>(Dsl.GetReplicaCount, Timeout + AnswerGrace, cancellationToken)).N;

    private async Task<StateReadResult> ReadAsync(IReadConsistency consistency, CancellationToken cancellationToken)
    {
        if (await NotLoadedAsync(cancellationToken) is { } notLoaded) return new StateReadFailed(notLoaded);
        var answer = await AskAsync(Dsl.Get(_key, consistency), cancellationToken);
        return answer switch
        {
            GetSuccess success => new StateFound(success.Get(_key).State),
            NotFound => NoStateStored.Instance,
            GetFailure => new StateReadFailed(
                $"fewer than a majority of nodes answered within {Seconds(Timeout)} (a majority of the mesh is unreachable or slow)"),
            null => new StateReadFailed(Silent),
            _ => new StateReadFailed($"the replicator could not read the failover state ({answer.GetType().Name})"),
        };
    }

    private string Silent =>
        $"this node's distributed data did not answer within {Seconds(Timeout + AnswerGrace)} (its replicator is stopped or overloaded; the node's log says why)";

    /// <returns>Null once this node's durable data is loaded, else why it is not.</returns>
    private async Task<string?> NotLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded.IsCompletedSuccessfully) return null;
        try
        {
            await _loaded.WaitAsync(Timeout, cancellationToken);
            return null;
        }
        catch (TimeoutException)
        {
            return $"this node has not finished loading its stored data from disk within {Seconds(Timeout)}";
        }
        catch (DurableDataUnavailableException e)
        {
            return e.Message;
        }
    }

    /// <returns>The replicator's answer, or null when it gave none in time.</returns>
    private async Task<object?> AskAsync(object message, CancellationToken cancellationToken)
    {
        try
        {
            return await _replicator.Ask<object>(message, Timeout + AnswerGrace, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static bool UsesFileDurableStore(ActorSystem system) =>
        system.Settings.Config.GetString("akka.cluster.distributed-data.durable.store-actor-class", null) is { } name
        && Type.GetType(name) == typeof(FileDurableStore);

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.#} s";
}
