using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using static Mesh.Actors.Tests.Fencing.LeaseFixtures;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>The guard's ledger: answers become facts, refusals teach newer epochs, old grants are dropped without reviving the never-granted clock.</summary>
public sealed class GuardLedgerTests
{
    private static readonly GuardLedger Started = GuardLedger.Start("nyc1", S(0), Current, regionActive: true, activeSince: S(0));

    private static GuardVerdict Judge(GuardLedger ledger, double now) => GuardRule.Judge(ledger.At(S(now), TimeSpan.Zero, Settings).Facts, S(now), Settings);

    [Fact]
    public void Grants_received_for_sent_requests_make_the_lease()
    {
        var ledger = Started.Sent(1, S(2))
            .Answered(new LeaseGrant(1, "nyc1-b", "nyc1", Current, "nyc1"), S(2.01))
            .Answered(new LeaseGrant(1, "ams3-a", "ams3", Current, "nyc1"), S(2.2));

        Assert.Equal(S(17), Judge(ledger, 3).Lease.EndsAt);
    }

    [Fact]
    public void A_refusal_in_a_newer_epoch_that_makes_another_region_active_fences_at_once()
    {
        var ledger = Started.Sent(1, S(2))
            .Answered(new LeaseGrant(1, "nyc1-b", "nyc1", Current, "nyc1"), S(2.01))
            .Answered(new LeaseGrant(1, "ams3-a", "ams3", Current, "nyc1"), S(2.2))
            .Answered(new LeaseRefusal(1, "sfo3-w", "sfo3", Current.Next("c2"), "ams3", "nyc1", "epoch 8 makes ams3 the active region, not nyc1"), S(2.3));

        Assert.Equal("epoch 8 does not make nyc1 the active region", Judge(ledger, 3).Reason);
    }

    [Fact]
    public void A_refusal_from_a_member_without_a_copy_teaches_nothing()
    {
        var ledger = Started.Answered(new LeaseRefusal(1, "sfo3-w", "sfo3", Epoch.Zero, null, "nyc1", "no copy"), S(1));

        Assert.True(ledger.Facts.RegionActiveInNewest);
        Assert.Equal(Current, ledger.Facts.NewestEpoch);
    }

    [Fact]
    public void Dropping_expired_grants_keeps_that_a_lease_was_held()
    {
        var ledger = Started.Sent(1, S(2))
            .Answered(new LeaseGrant(1, "nyc1-b", "nyc1", Current, "nyc1"), S(2.01))
            .Answered(new LeaseGrant(1, "ams3-a", "ams3", Current, "nyc1"), S(2.2));
        var (_, next) = ledger.At(S(3), TimeSpan.Zero, Settings);
        var (_, pruned) = next.At(S(18), TimeSpan.Zero, Settings);

        Assert.Empty(pruned.Facts.Requests);
        Assert.Empty(pruned.Facts.Grants);
        Assert.True(pruned.Facts.HeldBefore);
        Assert.Equal(GuardAction.FenceNow, Judge(pruned, 18).Action);
    }

    [Fact]
    public void Learning_the_region_became_active_restarts_the_never_granted_clock_there()
    {
        var standby = GuardLedger.Start("ams3", S(0), Current, regionActive: false, activeSince: null);

        var active = standby.Learned(Current.Next("c2"), regionActive: true, S(500));

        Assert.Equal(S(500), active.Facts.ActiveSince);
        Assert.Equal(GuardAction.Hold, GuardRule.Judge(active.Facts with { Region = "ams3" }, S(509), Settings).Action);
        Assert.Same(active, active.Learned(Current, regionActive: false, S(501)));   // an older epoch changes nothing
    }

    [Fact]
    public void A_newer_epoch_that_keeps_the_region_active_carries_the_lease_over()
    {
        var held = Started.Sent(1, S(2))
            .Answered(new LeaseGrant(1, "nyc1-b", "nyc1", Current, "nyc1"), S(2.01))
            .Answered(new LeaseGrant(1, "ams3-a", "ams3", Current, "nyc1"), S(2.2));
        var unfence = Current.Next("c2");

        // From its own copy (an unfence of nyc1), or from a grantor whose copy is ahead.
        var learned = held.Learned(unfence, regionActive: true, S(3));
        var taught = held.Sent(2, S(3)).Answered(new LeaseGrant(2, "sfo3-w", "sfo3", unfence, "nyc1"), S(3.1));

        Assert.Equal(S(17), Judge(learned, 4).Lease.EndsAt);
        Assert.Equal(GuardAction.Hold, Judge(learned, 4).Action);
        Assert.Equal(S(17), Judge(taught, 4).Lease.EndsAt);
        // A grantor whose copy still lags grants under the old epoch afterwards: that grant does not count.
        var lagging = learned.Sent(3, S(5)).Answered(new LeaseGrant(3, "nyc1-b", "nyc1", Current, "nyc1"), S(5.1))
            .Answered(new LeaseGrant(3, "ams3-a", "ams3", Current, "nyc1"), S(5.1));
        Assert.Equal(S(17), Judge(lagging, 6).Lease.EndsAt);
        // A newer epoch without the region voids them all.
        Assert.Equal(GuardAction.FenceNow, Judge(held.Learned(unfence, regionActive: false, S(3)), 4).Action);
    }

    [Fact]
    public void A_region_made_active_again_after_a_move_away_counts_its_new_lease_from_then_and_does_not_fence_its_new_primary()
    {
        // Held a lease under the current epoch, then a failover away (not active), then a switchover back.
        var held = Started.Sent(1, S(2))
            .Answered(new LeaseGrant(1, "nyc1-b", "nyc1", Current, "nyc1"), S(2.01))
            .Answered(new LeaseGrant(1, "ams3-a", "ams3", Current, "nyc1"), S(2.2));
        var (_, afterHolding) = held.At(S(3), TimeSpan.Zero, Settings);
        var away = afterHolding.Learned(Current.Next("c2"), regionActive: false, S(4));
        Assert.Equal(GuardAction.FenceNow, Judge(away, 5).Action);
        var (_, longAfter) = away.At(S(60), TimeSpan.Zero, Settings);

        var back = longAfter.Learned(Current.Next("c2").Next("c3"), regionActive: true, S(100));

        var verdict = Judge(back, 101);
        Assert.Equal(GuardAction.Hold, verdict.Action);
        Assert.Equal(S(100) + Settings.Duration - Settings.FenceLead, verdict.FenceAt);
        Assert.Equal(GuardAction.FenceNow, Judge(back, 100 + (Settings.Duration - Settings.FenceLead).TotalSeconds).Action);   // unless granted by then
    }
}
