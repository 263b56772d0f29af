using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using Mesh.Tests.Shared;
using static Mesh.Actors.Tests.Fencing.LeaseFixtures;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>SPEC 6 rule 4, the grantor's side: grant while the copy makes the region active and records no move away; remember the stop.</summary>
public sealed class GrantRuleTests
{
    private static readonly LeaseRequest FromNyc1 = new(5, "nyc1-a", "nyc1");
    private static readonly LeaseRequest FromAms3 = new(6, "ams3-a", "ams3");

    private static ILeaseAnswer Decide(FailoverState? copy, LeaseRequest request, double now = 10) =>
        GrantRule.Decide(copy is null ? GrantorMemory.Empty : GrantorMemory.Empty.Observe(copy, S(0)).Memory, request, "sfo3-w", "sfo3", S(now));

    [Fact]
    public void The_active_region_with_no_move_is_granted_with_the_epoch_and_request_named()
    {
        var copy = FailoverState.Initial("nyc1") with { Epoch = new Epoch(4, "c1") };

        var grant = Assert.IsType<LeaseGrant>(Decide(copy, FromNyc1));

        Assert.Equal(new LeaseGrant(5, "sfo3-w", "sfo3", new Epoch(4, "c1"), "nyc1"), grant);
        Assert.IsType<LeaseRefusal>(Decide(copy, FromAms3));
    }

    [Fact]
    public void A_member_without_a_copy_refuses()
    {
        var refusal = Assert.IsType<LeaseRefusal>(Decide(null, FromNyc1));
        Assert.Equal("this member holds no copy of the stored failover state yet", refusal.Reason);
    }

    [Fact]
    public void A_stored_move_away_stops_grants_while_the_region_is_still_active()
    {
        var fencing = FailoverSamples.Moving(12);   // nyc1 -> ams3, phase fencing, nyc1 still the active region

        var refusal = Assert.IsType<LeaseRefusal>(Decide(fencing, FromNyc1));

        Assert.Equal("nyc1", fencing.ActiveRegion);
        Assert.Equal("nyc1", refusal.ActiveRegion);
        Assert.Equal(12, refusal.Epoch.Counter);
        Assert.StartsWith("a failover from nyc1 to ams3 is recorded (epoch 12, phase fencing)", refusal.Reason, StringComparison.Ordinal);
        Assert.IsType<LeaseRefusal>(Decide(fencing, FromAms3));   // not active yet
    }

    [Fact]
    public void From_promoting_on_the_new_region_is_granted_and_the_old_one_refused()
    {
        var promoting = FailoverSamples.Moving(12, phase: Phases.Promoting);

        Assert.IsType<LeaseGrant>(Decide(promoting, FromAms3));
        Assert.Contains("makes ams3 the active region, not nyc1", Assert.IsType<LeaseRefusal>(Decide(promoting, FromNyc1)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_abort_that_unfences_the_region_is_no_move_away()
    {
        var abort = FailoverState.Initial("nyc1") with
        {
            Epoch = new Epoch(13, "c1"),
            Move = FailoverSamples.Moving(13).Move! with { Kind = DecisionKinds.Abort, From = "nyc1", To = "nyc1" },
        };

        Assert.IsType<LeaseGrant>(Decide(abort, FromNyc1));
    }

    [Fact]
    public void The_grantor_remembers_when_and_in_which_epoch_it_stopped_and_says_so()
    {
        var (granting, none) = GrantorMemory.Empty.Observe(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }, S(1));
        var (stopped, stops) = granting.Observe(FailoverSamples.Moving(12), S(7));

        Assert.Empty(none);
        Assert.Equal([new GrantStop("nyc1", new Epoch(12, "3f2a9c"), S(7))], stops);
        Assert.Equal(S(7), stopped.Stopped["nyc1"].At);
        var refusal = Assert.IsType<LeaseRefusal>(GrantRule.Decide(stopped, FromNyc1, "sfo3-w", "sfo3", S(10.5)));
        Assert.EndsWith("stopped granting to nyc1 3.5 s ago, at epoch 12", refusal.Reason, StringComparison.Ordinal);

        // The same move gossiped again, or its next phase: the stop keeps its first moment.
        var (later, again) = stopped.Observe(FailoverSamples.Moving(12, phase: Phases.Promoting), S(9));
        Assert.Empty(again);
        Assert.Equal(S(7), later.Stopped["nyc1"].At);
    }

    [Fact]
    public void A_first_copy_that_already_records_the_move_counts_as_a_stop()
    {
        var (memory, stops) = GrantorMemory.Empty.Observe(FailoverSamples.Moving(12), S(3));

        Assert.Equal(["nyc1"], stops.Select(s => s.Region));
        Assert.Equal(S(3), memory.Stopped["nyc1"].At);
    }

    [Fact]
    public void An_older_copy_never_resumes_grants()
    {
        var (stopped, _) = GrantorMemory.Empty.Observe(FailoverSamples.Moving(12), S(3));

        var (after, stops) = stopped.Observe(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }, S(4));

        Assert.Empty(stops);
        Assert.Same(stopped, after);
        Assert.IsType<LeaseRefusal>(GrantRule.Decide(after, FromNyc1, "sfo3-w", "sfo3", S(5)));
    }

    [Fact]
    public void A_region_granted_again_forgets_its_stop()
    {
        var (stopped, _) = GrantorMemory.Empty.Observe(FailoverSamples.Moving(12), S(3));

        var (back, _) = stopped.Observe(FailoverState.Initial("nyc1") with { Epoch = new Epoch(13, "c1") }, S(4));

        Assert.Empty(back.Stopped);
        Assert.IsType<LeaseGrant>(GrantRule.Decide(back, FromNyc1, "sfo3-w", "sfo3", S(5)));
    }
}
