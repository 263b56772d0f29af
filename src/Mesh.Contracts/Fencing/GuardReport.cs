using Mesh.Contracts.Failover;
using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Fencing;

/// <summary>
/// A guard's state, sent to the coordinator every RenewInterval (SPEC 6 rules 4 and 5): whether it holds a lease
/// and is fence-ready (so its region is <c>guarded</c>), and whether it fenced its own region. The coordinator
/// dates each report on its own clock when it arrives; times on the guard's clock never cross nodes.
/// </summary>
/// <param name="Epoch">The newest epoch the guard knows.</param>
/// <param name="Guarding">The guard's region is active in that epoch: it requests leases and judges them.</param>
/// <param name="HoldsLease">Grants from Quorum regions still last on the guard's clock.</param>
/// <param name="FenceReady">The guard checked that it reaches every primary of its region with the privileges the fence needs.</param>
/// <param name="Readiness">Why it is or is not fence-ready, in words.</param>
/// <param name="FencedUnder">The epoch under which this guard fenced its own region's primaries, or which a primary of its region records while the guard finds it fenced; null when neither.</param>
/// <param name="Released">The node is stopping with SIGTERM: its lease is released and it no longer guards.</param>
/// <param name="Verdict">The guard's latest verdict in words.</param>
public sealed record GuardReport(
    string Node,
    string Region,
    Epoch Epoch,
    bool Guarding,
    bool HoldsLease,
    bool FenceReady,
    string Readiness,
    Epoch? FencedUnder,
    bool Released,
    string Verdict) : IMeshMessage
{
    /// <summary>Counts toward <c>guarded</c>: a fence-ready guard of the active region holding a lease.</summary>
    public bool Guards => Guarding && HoldsLease && FenceReady && !Released;
}
