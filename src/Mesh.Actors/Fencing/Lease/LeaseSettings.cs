using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Fencing.Lease;

/// <summary>
/// The lease's timings (SPEC section 3 <c>Failover.Lease</c>) and the number of regions whose grants make
/// a lease. Validation guarantees FenceLead &gt;= 2 x RenewInterval (a tick always falls inside the lead)
/// and Duration &gt;= FenceLead + 3 x RenewInterval (several renewals fit before the fence would start).
/// </summary>
/// <param name="FenceLead">How long before its lease ends a guard starts its fence: the fence's time to land.</param>
/// <param name="DriftMargin">What the coordinator adds to every lease it counts: the clock-rate difference between the guard and the coordinator over Duration.</param>
public sealed record LeaseSettings(TimeSpan Duration, TimeSpan RenewInterval, TimeSpan FenceLead, TimeSpan DriftMargin, int Quorum)
{
    public static LeaseSettings From(LeaseOptions lease, int quorum)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return new LeaseSettings(lease.Duration, lease.RenewInterval, lease.FenceLead, lease.DriftMargin, quorum);
    }

    /// <summary>How long after the last grantor outside the region stopped the coordinator may count the lease expired.</summary>
    public TimeSpan CountedFor => Duration + DriftMargin;
}
