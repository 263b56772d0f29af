using Xunit.Abstractions;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>
/// The safety property of rules 4 and 5 (c) over generated histories (<see cref="LeaseWorld"/>): whatever the
/// delays, losses, drift within DriftMargin and freezes, every moment the guard lets its region stay writable,
/// the lease it relies on ends (and so its fence, started FenceLead earlier, has had FenceLead to land) strictly
/// before the coordinator may count the lease expired. FenceLead is the fence's time to land, not a margin
/// for clocks: the lease's end itself must come first, and that is what DriftMargin and the send-time
/// measure buy. The two mutant tests show the generator finds the cases that break each of them.
/// </summary>
public sealed class LeaseSafetyTests(ITestOutputHelper output)
{
    private const int Cases = 3000;

    [Fact]
    public void The_guard_fences_strictly_before_the_coordinator_may_count_its_lease_expired()
    {
        int heldAtStore = 0, lateAfterFreeze = 0, fencedInTime = 0;
        var minSlack = double.PositiveInfinity;
        for (var seed = 0; seed < Cases; seed++)
        {
            var world = new LeaseWorld(seed);
            var o = world.Run(world.Settings);

            Assert.True(o.LeaseOutlived == 0, $"seed {seed}: {o.LeaseOutlived} hold verdicts rely on a lease that outlives the coordinator's count ({o.Expired:0.###} s; {world.Settings})");
            Assert.True(o.HoldAfterFreeze == 0, $"seed {seed}: the guard held on its first tick after a freeze with a lease");
            Assert.True(o.FencedAt is not null, $"seed {seed}: the guard never fenced");
            // A guard that was running fences before the coordinator's count ends; one frozen across that moment
            // fences on its first tick after thawing (the remaining risk rule 4's freeze clause cannot remove).
            Assert.True(o.FencedAt < o.Expired || o.FencedLateAfterFreeze, $"seed {seed}: fenced at {o.FencedAt:0.###} s, not before {o.Expired:0.###} s, and not on thawing");
            if (o.HeldAtStore) heldAtStore++;
            if (o.FencedLateAfterFreeze) lateAfterFreeze++; else fencedInTime++;
            minSlack = Math.Min(minSlack, o.MinSlack);
        }

        output.WriteLine($"{Cases} cases: {heldAtStore} held a lease when the move was stored; {fencedInTime} fenced before the count ended, "
            + $"{lateAfterFreeze} were frozen across it and fenced on thawing; least slack between a held lease's end and the count {minSlack * 1000:0.###} ms");
        Assert.True(heldAtStore > Cases / 3, $"only {heldAtStore} cases held a lease at the move: the generator is too weak to prove anything");
        Assert.True(minSlack < 0.25, $"the closest case kept {minSlack * 1000:0} ms of slack: the generator never comes near the edge");
    }

    [Fact]
    public void Without_DriftMargin_the_generated_cases_find_a_lease_that_outlives_the_count()
    {
        var broken = Enumerable.Range(0, Cases).Count(seed =>
        {
            var world = new LeaseWorld(seed);
            return world.Run(world.Settings with { DriftMargin = TimeSpan.Zero }).LeaseOutlived > 0;
        });

        output.WriteLine($"{broken} of {Cases} cases break without DriftMargin");
        Assert.True(broken > 0);
    }

    [Fact]
    public void Measuring_grants_from_their_receipt_the_generated_cases_find_a_lease_that_outlives_the_count()
    {
        var broken = Enumerable.Range(0, Cases).Count(seed =>
        {
            var world = new LeaseWorld(seed);
            return world.Run(world.Settings, fromReceipt: true).LeaseOutlived > 0;
        });

        output.WriteLine($"{broken} of {Cases} cases break when grants count from their receipt");
        Assert.True(broken > 0);
    }
}
