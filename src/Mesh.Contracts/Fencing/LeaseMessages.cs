using Mesh.Contracts.Failover;
using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Fencing;

/// <summary>
/// A guard's request for a write-lease grant (SPEC 6 rule 4), sent to every reachable member each
/// RenewInterval. The guard keeps the send time of every id on its own monotonic clock: a grant lasts
/// Duration from that moment, never from its arrival, so a grant delayed in the network cannot stretch
/// the lease past what the coordinator counts.
/// </summary>
/// <param name="RequestId">Unique among this guard's requests; a grant names it.</param>
/// <param name="Node">The guard's node address.</param>
/// <param name="Region">The region the guard guards (its own).</param>
/// <param name="Guarded">The guard holds a lease and is fence-ready as it sends this: grantors pass that on with their stops (evidence (c)).</param>
public sealed record LeaseRequest(long RequestId, string Node, string Region, bool Guarded = false) : IMeshMessage;

/// <summary>A member's grant: the request it answers, the epoch of its copy of the stored state, and the region it makes active.</summary>
public sealed record LeaseGrant(long RequestId, string Grantor, string GrantorRegion, Epoch Epoch, string Region) : ILeaseAnswer;

/// <summary>
/// A member's refusal, with the epoch and active region of its copy of the stored state, so that a guard
/// learns an epoch in which its region is not active (and fences at once) from any member that knows it.
/// </summary>
/// <param name="ActiveRegion">The active region in the grantor's copy; null when it holds no copy yet.</param>
public sealed record LeaseRefusal(long RequestId, string Grantor, string GrantorRegion, Epoch Epoch, string? ActiveRegion, string Region, string Reason) : ILeaseAnswer;

/// <summary>
/// A member's confirmation to the coordinator that it stopped granting to <see cref="Region"/> because its
/// copy of the stored state, at <see cref="Epoch"/>, moved away from it (rule 5 (c)). The coordinator
/// counts Duration + DriftMargin from when the confirmation reached it, on its own clock, which is never
/// earlier than the stop: times on the grantor's clock are never compared across nodes.
/// </summary>
/// <param name="RegionGuarded">
/// When it stopped, the last word of some guard of <see cref="Region"/> to this grantor was that it held a lease and
/// was fence-ready (a guard stopped with SIGTERM says it no longer is): so a coordinator that never heard from the region itself (it took over after the
/// region was cut off) still learns whether something there fences when the lease ends.
/// </param>
public sealed record StoppedGranting(string Grantor, string GrantorRegion, string Region, Epoch Epoch, bool RegionGuarded = false) : IMeshMessage;

/// <summary>A member's answer to a <see cref="LeaseRequest"/>: a <see cref="LeaseGrant"/> or a <see cref="LeaseRefusal"/>.</summary>
public interface ILeaseAnswer : IMeshMessage
{
    long RequestId { get; }
    string Grantor { get; }
    string GrantorRegion { get; }
    Epoch Epoch { get; }
}
