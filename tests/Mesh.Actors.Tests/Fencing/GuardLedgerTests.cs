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
    public void A_newer_epoch_that_keeps_the_region_active_restarts_its_lease_instead_of_ending_it()
    {
        // An unfence (or abort, or adopt) under epoch 8 while the guard held a lease under epoch 7.
        var held = Started.Sent(1, S(2))
            .Answered(new LeaseGrant(1, "nyc1-b", "nyc1", Current, "nyc1"), S(2.01))
            .Answered(new LeaseGrant(1, "ams3-a", "ams3", Current, "nyc1"), S(2.2));
        var (_, next) = held.At(S(3), TimeSpan.Zero, Settings);
        Assert.True(next.Facts.HeldBefore);

        var unfenced = next.Learned(Current.Next("c2"), regionActive: true, S(4));

        var verdict = Judge(unfenced, 4.5);
        Assert.Equal(GuardAction.Hold, verdict.Action);
        Assert.False(verdict.Lease.Holds);   // the old epoch's grants no longer count: no lease to report
        Assert.Equal(S(14), verdict.FenceAt);   // Duration - FenceLead from learning the epoch, unless granted under it
        var renewed = unfenced.Sent(2, S(4.6))
            .Answered(new LeaseGrant(2, "nyc1-b", "nyc1", Current.Next("c2"), "nyc1"), S(4.61))
            .Answered(new LeaseGrant(2, "ams3-a", "ams3", Current.Next("c2"), "nyc1"), S(4.7));
        Assert.Equal(S(19.6), Judge(renewed, 5).Lease.EndsAt);
    }

    [Fact]
    public void A_grant_that_teaches_a_newer_epoch_keeping_the_region_active_restarts_its_lease_too()
    {
        var held = Started.Sent(1, S(2))
            .Answered(new LeaseGrant(1, "nyc1-b", "nyc1", Current, "nyc1"), S(2.01))
            .Answered(new LeaseGrant(1, "ams3-a", "ams3", Current, "nyc1"), S(2.2));
        var (_, next) = held.At(S(3), TimeSpan.Zero, Settings);

        var taught = next.Sent(2, S(4)).Answered(new LeaseGrant(2, "sfo3-w", "sfo3", Current.Next("c2"), "nyc1"), S(4.1));

        Assert.Equal(Current.Next("c2"), taught.Facts.NewestEpoch);
        Assert.Equal(GuardAction.Hold, Judge(taught, 4.5).Action);
    }
}
