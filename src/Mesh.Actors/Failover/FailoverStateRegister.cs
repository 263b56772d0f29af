using System.Text.Json;
using Akka.DistributedData;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Messages;

namespace Mesh.Actors.Failover;

/// <summary>
/// The replicated value that holds the stored failover state: the state, and the revision of the
/// write that produced it. Replicas merge by keeping the greater of the two by
/// (<see cref="Epoch"/>, <see cref="Revision"/>, content), so every replica ends on the same value
/// whatever order writes and gossip arrive in, and the highest epoch always wins.
/// </summary>
/// <remarks>
/// Why not <c>LWWRegister&lt;FailoverState&gt;</c> with the epoch as its clock: its timestamp is one
/// <c>long</c> and its tie-break is the writing node's address. The counter alone as timestamp
/// (a) loses the second of two writes in the same epoch (a step result after the decision): equal
/// timestamps from the same node keep the value already there; and (b) orders two coordinators that
/// wrote the same counter by node address, not by incarnation as <see cref="Epoch"/> (and every
/// resource that records an epoch, rule 10) does, so the replicas could keep the lower epoch. This
/// register compares the whole epoch, then the revision, and needs no wall clock.
/// </remarks>
public sealed record FailoverStateRegister(FailoverState State, long Revision)
    : IReplicatedData<FailoverStateRegister>, IMeshMessage
{
    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The register after writing <paramref name="next"/> over <paramref name="current"/> (null: nothing
    /// stored yet). A write in the current epoch or a newer one gets the next revision, so it wins the
    /// merge over everything this replica has seen; a write in an older epoch is refused, because the
    /// merge would drop it anyway and its writer must learn that it is stale.
    /// </summary>
    public static FailoverStateRegister After(FailoverStateRegister? current, FailoverState next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (current is null) return new FailoverStateRegister(next, 1);
        if (next.Epoch < current.State.Epoch) throw new StaleStateWriteException(current.State.Epoch, next.Epoch);
        return new FailoverStateRegister(next, current.Revision + 1);
    }

    public FailoverStateRegister Merge(FailoverStateRegister other) => Order(this, other) >= 0 ? this : other;

    IReplicatedData IReplicatedData.Merge(IReplicatedData other) => other switch
    {
        FailoverStateRegister register => Merge(register),
        _ => throw new ArgumentException($"cannot merge {other?.GetType().Name ?? "null"} into the failover state", nameof(other)),
    };

    /// <summary>
    /// A total order: epoch, then revision, then the serialized content (equal only for equal states),
    /// so merging is commutative, associative and idempotent even when two writers collide.
    /// </summary>
    public static int Order(FailoverStateRegister a, FailoverStateRegister b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var byEpoch = a.State.Epoch.CompareTo(b.State.Epoch);
        if (byEpoch != 0) return byEpoch;
        var byRevision = a.Revision.CompareTo(b.Revision);
        if (byRevision != 0 || ReferenceEquals(a.State, b.State)) return byRevision;
        return JsonSerializer.SerializeToUtf8Bytes(a.State, Canonical).AsSpan()
            .SequenceCompareTo(JsonSerializer.SerializeToUtf8Bytes(b.State, Canonical));
    }
}

/// <summary>The one key the stored failover state lives under (durable: see DistributedDataHosting).</summary>
public sealed class FailoverStateKey(string id) : Key<FailoverStateRegister>(id)
{
    public const string DefaultId = "failover-state";
    public static readonly FailoverStateKey Default = new(DefaultId);
}

/// <summary>A write in an epoch older than the one this replica already holds.</summary>
public sealed class StaleStateWriteException(Epoch stored, Epoch attempted)
    : InvalidOperationException($"the stored failover state is at epoch {stored}, newer than {attempted}")
{
    public Epoch Stored { get; } = stored;
    public Epoch Attempted { get; } = attempted;
}
