using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Fencing.Lease;

/// <summary>
/// What a guard keeps between ticks, folded from its own sends and the answers it receives, as immutable
/// steps that yield the <see cref="GuardFacts"/> for <see cref="GuardRule.Judge"/>. Times are the guard's
/// monotonic clock.
/// </summary>
public sealed record GuardLedger(GuardFacts Facts)
{
    public static GuardLedger Start(string region, TimeSpan startedAt, Epoch epoch, bool regionActive, TimeSpan? activeSince) =>
        new(new GuardFacts(region, startedAt, activeSince, epoch, regionActive, [], [], TimeSpan.Zero));

    public GuardLedger Sent(long requestId, TimeSpan at) =>
        this with { Facts = Facts with { Requests = [.. Facts.Requests, new SentRequest(requestId, at)] } };

    /// <summary>
    /// A grant joins the ledger; any answer with a newer epoch teaches it (a refusal under a newer epoch is how a
    /// cut-off guard learns of a move from one member that knows it). A grant says its
    /// region is active in its epoch. Nothing older than the newest epoch known changes what it knows.
    /// </summary>
    public GuardLedger Answered(ILeaseAnswer answer, TimeSpan at)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var facts = Facts;
        if (answer.Epoch > facts.NewestEpoch)
        {
            // A grantor with a copy refuses only when that copy does not grant the region (GrantRule): not active,
            // or a move away from it is stored. Either way the region is not to be kept writable in that epoch.
            var active = answer is LeaseGrant g && string.Equals(g.Region, facts.Region, StringComparison.Ordinal);
            facts = active ? Opened(facts, answer.Epoch, at) : facts with { NewestEpoch = answer.Epoch, RegionActiveInNewest = false };
        }
        if (answer is LeaseGrant grant)
            facts = facts with { Grants = [.. facts.Grants, new ReceivedGrant(grant.RequestId, grant.Grantor, grant.GrantorRegion, grant.Epoch, grant.Region, at)] };
        return new GuardLedger(facts);
    }

    /// <summary>This node's own copy of the stored state changed.</summary>
    public GuardLedger Learned(Epoch epoch, bool regionActive, TimeSpan at)
    {
        // The same epoch is the same stored state; it only teaches a guard that starts from nothing (the first
        // stored state may carry the initial epoch the guard starts from).
        if (epoch < Facts.NewestEpoch || epoch == Facts.NewestEpoch && (Facts.RegionActiveInNewest || !regionActive)) return this;
        if (regionActive) return new GuardLedger(Opened(Facts, epoch, at));
        return this with { Facts = Facts with { NewestEpoch = epoch, RegionActiveInNewest = false } };
    }

    /// <summary>
    /// The guard learned, at <paramref name="at"/>, an epoch that makes its region active: a move into it, or a
    /// decision that keeps or makes it active again (an unfence, an abort, an adopt). Grants count only under the
    /// newest epoch, so a lease held under an older one no longer counts; the lease of the new epoch starts as a new
    /// region's does, from learning it (rule 4's never-granted clock), not as one that ended. Otherwise every
    /// such decision would make the guard fence at its next tick, before the new epoch's first grants arrive, and
    /// an unfence would be followed by a new self-fence every time. A guard in that window holds no lease and
    /// reports so, so evidence (c) never counts on it.
    /// </summary>
    private static GuardFacts Opened(GuardFacts facts, Epoch epoch, TimeSpan at) =>
        facts with { NewestEpoch = epoch, RegionActiveInNewest = true, ActiveSince = at, HeldBefore = false };

    /// <summary>
    /// The facts for a verdict at <paramref name="now"/> on a tick <paramref name="timerLate"/> late, and the
    /// ledger without the requests whose grants can no longer last (remembering that a lease was held).
    /// </summary>
    public (GuardFacts Facts, GuardLedger Next) At(TimeSpan now, TimeSpan timerLate, LeaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var facts = Facts with { TimerLate = timerLate };
        var held = facts.HeldBefore || LeaseArithmetic.Compute(facts, now, settings).EverHeld;
        var live = facts.Requests.Where(r => r.SentAt + settings.Duration > now).ToList();
        var ids = live.Select(r => r.RequestId).ToHashSet();
        var pruned = Facts with { Requests = live, Grants = facts.Grants.Where(g => ids.Contains(g.RequestId)).ToList(), HeldBefore = held };
        return (facts with { HeldBefore = held }, new GuardLedger(pruned));
    }
}
