using Mesh.Contracts.Failover;

namespace Mesh.Actors.Fencing.Lease;

/// <summary>A request the guard sent, dated on its own monotonic clock.</summary>
public sealed record SentRequest(long RequestId, TimeSpan SentAt);

/// <summary>A grant as it reached the guard, dated on the guard's monotonic clock.</summary>
public sealed record ReceivedGrant(long RequestId, string Grantor, string GrantorRegion, Epoch Epoch, string Region, TimeSpan ReceivedAt);

/// <summary>
/// Everything the guard's verdict depends on. Times are readings of the guard's monotonic clock, which
/// never steps and keeps counting across pauses.
/// </summary>
/// <param name="Region">The guard's region.</param>
/// <param name="StartedAt">When this guard incarnation started.</param>
/// <param name="ActiveSince">When the guard learned that its region became active (null: it has not).</param>
/// <param name="NewestEpoch">The newest epoch the guard has learned, from its own copy, a grant or a refusal.</param>
/// <param name="RegionActiveInNewest">Whether <paramref name="Region"/> is active in <paramref name="NewestEpoch"/>.</param>
/// <param name="TimerLate">How late the timer tick that asks for this verdict fired (zero when not asked by a tick).</param>
/// <param name="HeldBefore">The guard held a lease at some earlier moment: it may drop requests and grants older than Duration, which can no longer last, and still never fall back to the never-granted clock.</param>
public sealed record GuardFacts(
    string Region,
    TimeSpan StartedAt,
    TimeSpan? ActiveSince,
    Epoch NewestEpoch,
    bool RegionActiveInNewest,
    IReadOnlyList<SentRequest> Requests,
    IReadOnlyList<ReceivedGrant> Grants,
    TimeSpan TimerLate,
    bool HeldBefore = false);
