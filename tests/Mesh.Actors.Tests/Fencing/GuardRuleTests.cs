using Mesh.Actors.Fencing.Lease;
using static Mesh.Actors.Tests.Fencing.LeaseFixtures;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>SPEC 6 rule 4, the guard's side: each clause of when the lease holds and when the guard fences.</summary>
public sealed class GuardRuleTests
{
    private static GuardVerdict Judge(GuardFacts g, double now) => GuardRule.Judge(g, S(now), Settings);

    [Fact]
    public void A_grant_lasts_Duration_from_the_send_not_from_its_arrival()
    {
        var g = Guard().Sent(1, 10).With(new ReceivedGrant(1, "ams3-a", "ams3", Current, "nyc1", S(14)))
            .With(new ReceivedGrant(1, "nyc1-b", "nyc1", Current, "nyc1", S(10.1)));

        var lease = LeaseArithmetic.Compute(g, S(14), Settings);

        Assert.Equal(S(25), lease.EndsAt);   // 10 + 15, not 14 + 15
        Assert.True(lease.Holds);
    }

    [Fact]
    public void Renewal_keeps_the_lease_and_moves_the_fence()
    {
        var once = Guard().Granted(1, 0, "nyc1", "ams3", "sfo3");
        var renewed = once.Granted(2, 9, "nyc1", "ams3", "sfo3");

        Assert.Equal(GuardAction.FenceNow, Judge(once, 10).Action);   // 15 - 5
        var v = Judge(renewed, 10);
        Assert.Equal(GuardAction.Hold, v.Action);
        Assert.Equal(S(19), v.FenceAt);   // 9 + 15 - 5
    }

    [Fact]
    public void Losing_one_region_of_three_with_Quorum_2_keeps_the_lease()
    {
        var g = Guard().Granted(1, 0, "nyc1", "ams3", "sfo3").Granted(2, 5, "nyc1", "ams3");   // sfo3 cut off after the first

        var v = Judge(g, 14.9);

        Assert.Equal(GuardAction.Hold, v.Action);
        Assert.Equal(S(20), v.Lease.EndsAt);
        Assert.Equal(["ams3", "nyc1", "sfo3"], v.Lease.Lasting.Select(r => r.Region).Order());
        Assert.Equal(["ams3", "nyc1"], Judge(g, 15).Lease.Lasting.Select(r => r.Region).Order());
        Assert.True(LeaseArithmetic.Compute(g, S(15), Settings).Holds);
    }

    [Fact]
    public void Losing_two_regions_ends_the_lease_when_the_last_outside_grant_ends()
    {
        var g = Guard().Granted(1, 0, "nyc1", "ams3", "sfo3").Granted(2, 5, "nyc1");   // only its own region still grants

        Assert.Equal(S(15), LeaseArithmetic.Compute(g, S(9), Settings).EndsAt);
        Assert.Equal(GuardAction.Hold, Judge(g, 9.9).Action);
        var v = Judge(g, 10);
        Assert.Equal(GuardAction.FenceNow, v.Action);
        Assert.Contains("within FenceLead 5 s", v.Reason, StringComparison.Ordinal);
        Assert.Contains("ended", Judge(g, 15).Reason, StringComparison.Ordinal);
        Assert.False(LeaseArithmetic.Compute(g, S(15), Settings).Holds);
    }

    [Fact]
    public void The_guard_fences_FenceLead_before_the_lease_ends()
    {
        var g = Guard().Granted(1, 3, "nyc1", "ams3");

        Assert.Equal(S(13), Judge(g, 12.999).FenceAt);
        Assert.Equal(GuardAction.Hold, Judge(g, 12.999).Action);
        Assert.Equal(GuardAction.FenceNow, Judge(g, 13).Action);
    }

    public static TheoryData<string, ReceivedGrant> VoidGrants => new()
    {
        { "an epoch older than the guard knows", new ReceivedGrant(1, "ams3-a", "ams3", Current, "nyc1", S(0.1)) },
        { "a grant for another region", new ReceivedGrant(1, "ams3-a", "ams3", Current.Next("c2"), "ams3", S(0.1)) },
        { "a grant for a request never sent", new ReceivedGrant(99, "ams3-a", "ams3", Current.Next("c2"), "nyc1", S(0.1)) },
        { "a grant not yet received", new ReceivedGrant(1, "ams3-a", "ams3", Current.Next("c2"), "nyc1", S(2)) },
    };

    [Theory]
    [MemberData(nameof(VoidGrants))]
    public void A_grant_counts_only_for_a_sent_request_its_region_and_no_older_epoch(string why, ReceivedGrant grant)
    {
        var newest = Current.Next("c2");
        var g = Guard() with { NewestEpoch = newest };
        g = g.Sent(1, 0).With(new ReceivedGrant(1, "nyc1-b", "nyc1", newest, "nyc1", S(0.1)));

        Assert.Null(LeaseArithmetic.Compute(g, S(1), Settings).EndsAt);
        Assert.True(LeaseArithmetic.Compute(g.With(grant with { RequestId = 1, Region = "nyc1", Epoch = newest, ReceivedAt = S(0.1) }), S(1), Settings).Holds, why);
        Assert.True(LeaseArithmetic.Compute(g.With(grant), S(1), Settings).EndsAt is null, why);
    }

    [Fact]
    public void A_grant_that_arrives_after_its_Duration_is_void()
    {
        var g = Guard().Sent(1, 0)
            .With(new ReceivedGrant(1, "ams3-a", "ams3", Current, "nyc1", S(15)))
            .With(new ReceivedGrant(1, "nyc1-b", "nyc1", Current, "nyc1", S(0.1)));

        Assert.Null(LeaseArithmetic.Compute(g, S(15), Settings).EndsAt);
    }

    [Fact]
    public void A_newer_epoch_without_its_region_fences_at_once_even_with_a_lease()
    {
        var g = Guard().Granted(1, 0, "nyc1", "ams3", "sfo3") with { NewestEpoch = Current.Next("c2"), RegionActiveInNewest = false };

        var v = Judge(g, 1);

        Assert.Equal(GuardAction.FenceNow, v.Action);
        Assert.Equal("epoch 8 does not make nyc1 the active region", v.Reason);
    }

    [Fact]
    public void A_frozen_guard_fences_at_once_even_with_a_lease()
    {
        var g = Guard().Granted(1, 0, "nyc1", "ams3", "sfo3");

        Assert.Equal(GuardAction.Hold, Judge(g with { TimerLate = S(1) }, 2).Action);   // exactly RenewInterval late is not yet frozen
        var v = Judge(g with { TimerLate = S(1.001) }, 2);
        Assert.Equal(GuardAction.FenceNow, v.Action);
        Assert.Contains("frozen", v.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_late_tick_of_a_guard_never_granted_is_no_freeze_its_never_granted_clock_decides()
    {
        // A node starting up: its guard's first ticks come late while the process compiles and joins; it holds no
        // lease the freeze could have outlived.
        var g = Guard(startedAt: 0, activeSince: 0).Sent(1, 4.5);

        var v = Judge(g with { TimerLate = S(4.8) }, 5);
        Assert.Equal(GuardAction.Hold, v.Action);
        Assert.Contains("never granted", v.Reason, StringComparison.Ordinal);
        Assert.Equal(GuardAction.FenceNow, Judge(g with { TimerLate = S(4.8) }, 10).Action);   // Duration - FenceLead after the start, as ever
    }

    public static TheoryData<string, double, double?, double, GuardAction> NeverGranted => new()
    {
        { "counts from the start when active before", 100, 0, 109.9, GuardAction.Hold },
        { "fences Duration - FenceLead after the start", 100, 0, 110, GuardAction.FenceNow },
        { "counts from learning the region became active, when later", 0, 200, 209.9, GuardAction.Hold },
        { "fences Duration - FenceLead after learning it", 0, 200, 210, GuardAction.FenceNow },
        { "a guard that never learned its region is active holds nothing", 0, null, 1, GuardAction.FenceNow },
    };

    [Theory]
    [MemberData(nameof(NeverGranted))]
    public void A_guard_that_never_held_a_lease_counts_from_the_later_of_its_start_and_the_activation(string why, double startedAt, double? activeSince, double now, GuardAction expected)
    {
        var v = Judge(Guard(startedAt, activeSince).Sent(1, now - 0.5), now);

        Assert.True(expected == v.Action, $"{why}: {v.Action} ({v.Reason})");
    }

    [Fact]
    public void A_guard_that_once_held_a_lease_no_longer_counts_from_its_start()
    {
        // It held a lease once (from request 1); the never-granted clock must not revive it.
        var g = Guard(startedAt: 0, activeSince: 100).Granted(1, 0, "nyc1", "ams3");

        Assert.Equal(GuardAction.FenceNow, Judge(g, 101).Action);
        // Nor when it dropped those old grants and only remembers that it held one.
        Assert.Equal(GuardAction.Hold, Judge(Guard(startedAt: 0, activeSince: 100), 101).Action);
        Assert.Equal(GuardAction.FenceNow, Judge(Guard(startedAt: 0, activeSince: 100) with { HeldBefore = true }, 101).Action);
    }
}
