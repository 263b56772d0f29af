namespace Mesh.Actors.Fencing.Lease;

public enum GuardAction
{
    /// <summary>Keep the region writable; fence at <see cref="GuardVerdict.FenceAt"/> unless renewed by then.</summary>
    Hold,
    /// <summary>Fence the region's primaries now.</summary>
    FenceNow,
}

/// <summary>The guard's verdict at one moment, with the reason in words and the lease it is based on.</summary>
/// <param name="FenceAt">For <see cref="GuardAction.Hold"/>: when the guard fences unless renewed (guard's clock).</param>
public sealed record GuardVerdict(GuardAction Action, string Reason, TimeSpan? FenceAt, LeaseState Lease)
{
    public bool Holds => Action == GuardAction.Hold;
}

/// <summary>
/// When a guard of the active region fences (SPEC 6 rule 4), as a pure function. Every clause that fences
/// only ever shortens the time the region stays writable; none can extend a lease.
/// </summary>
public static class GuardRule
{
    public static GuardVerdict Judge(GuardFacts facts, TimeSpan now, LeaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(settings);
        var lease = LeaseArithmetic.Compute(facts, now, settings);

        // Someone already decided the region is not active: its grants are void, whatever they say.
        if (!facts.RegionActiveInNewest)
            return Fence($"epoch {facts.NewestEpoch.Counter} does not make {facts.Region} the active region", lease);

        // A frozen guard cannot know what it missed; its monotonic clock kept counting, but its ticks, and
        // perhaps its fence, did not happen while the coordinator's did. That is a danger for a lease it holds or
        // held, which the freeze may have outlived; a guard never granted one counts by the never-granted clock
        // below, and a late first tick is what a starting process looks like (JIT, joining), not a freeze.
        if (facts.TimerLate > settings.RenewInterval && (lease.EndsAt is not null || facts.HeldBefore))
            return Fence($"this guard was frozen: its timer fired {Seconds(facts.TimerLate)} late, more than RenewInterval {Seconds(settings.RenewInterval)}", lease);

        if (lease.EndsAt is { } end)
        {
            var fenceAt = end - settings.FenceLead;
            if (now >= end) return Fence($"the lease ended {Seconds(now - end)} ago: fewer than {settings.Quorum} regions have a grant still lasting", lease);
            if (now >= fenceAt) return Fence($"the lease ends in {Seconds(end - now)}, within FenceLead {Seconds(settings.FenceLead)}, and was not renewed", lease);
            return new GuardVerdict(GuardAction.Hold, $"{lease.Lasting.Count} regions grant until {Seconds(end)}; fencing at {Seconds(fenceAt)} unless renewed", fenceAt, lease);
        }

        if (facts.HeldBefore)
            return Fence($"the lease ended: fewer than {settings.Quorum} regions have a grant still lasting", lease);

        // Never held one: count from the later of the start and learning the region became active, so
        // nodes of a region that has just become active do not fence its new primary before their first grant.
        if (facts.ActiveSince is not { } activeSince)
            return Fence($"{facts.Region} was never learned to be active by this guard and it holds no lease", lease);
        var from = activeSince > facts.StartedAt ? activeSince : facts.StartedAt;
        var deadline = from + settings.Duration - settings.FenceLead;
        return now >= deadline
            ? Fence($"never granted a lease in the {Seconds(now - from)} since {(activeSince > facts.StartedAt ? "learning its region became active" : "its start")}", lease)
            : new GuardVerdict(GuardAction.Hold, $"never granted a lease yet; counting from {Seconds(from)}, fencing at {Seconds(deadline)} unless granted", deadline, lease);
    }

    private static GuardVerdict Fence(string reason, LeaseState lease) => new(GuardAction.FenceNow, reason, null, lease);

    internal static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.###} s";
}
