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
            facts = Newer(facts, answer.Epoch, active, at);
        }
        if (answer is LeaseGrant grant)
            facts = facts with { Grants = [.. facts.Grants, new ReceivedGrant(grant.RequestId, grant.Grantor, grant.GrantorRegion, grant.Epoch, grant.Region, at)] };
        return new GuardLedger(facts);
    }

    /// <summary>This node's own copy of the stored state changed.</summary>
    public GuardLedger Learned(Epoch epoch, bool regionActive, TimeSpan at)
    {
        // Within one epoch a region only ever becomes active (a move stores its target as active from promoting on);
        // that, and a guard that starts from nothing (the first stored state may carry the initial epoch), is all the
        // same epoch can teach.
        if (epoch < Facts.NewestEpoch || epoch == Facts.NewestEpoch && (Facts.RegionActiveInNewest || !regionActive)) return this;
        return new GuardLedger(Newer(Facts, epoch, regionActive, at));
    }

    /// <summary>
    /// The facts once <paramref name="epoch"/> (newer than the newest known, or the same one making the region active)
    /// is learned at <paramref name="at"/>:
    /// <list type="bullet">
    /// <item>Without the region: nothing keeps it writable any more (the guard fences).</item>
    /// <item>Keeping the region active (an unfence, an abort, an adopt of the same region): it stores no move away, so
    /// the grants that counted under the epoch it replaces carry over to it. A grant counts only under the newest epoch
    /// (<see cref="LeaseArithmetic"/>); without this every such decision would void the lease and make the guard fence at
    /// its next tick, before any grant under the new epoch could arrive (after an unfence: fenced again at once).</item>
    /// <item>Making it active after it was not (a move into it, also a move back long after the guard last held a
    /// lease): a new activation, counted like a first one from this moment (rule 4's never-granted clock), not as a
    /// lease that ended; otherwise a guard that held a lease before a failover would fence its region's new primary the
    /// moment a switchover made the region active again.</item>
    /// </list>
    /// Grants under older epochs stay void, and so do those that arrive later from a grantor whose copy still lags.
    /// </summary>
    private static GuardFacts Newer(GuardFacts facts, Epoch epoch, bool active, TimeSpan at)
    {
        if (!active) return facts with { NewestEpoch = epoch, RegionActiveInNewest = false };
        if (facts.RegionActiveInNewest)
            return facts with
            {
                NewestEpoch = epoch,
                Grants = facts.Grants.Select(g => g.Epoch == facts.NewestEpoch ? g with { Epoch = epoch } : g).ToList(),
            };
        return facts with { NewestEpoch = epoch, RegionActiveInNewest = true, ActiveSince = at, HeldBefore = false };
    }

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
