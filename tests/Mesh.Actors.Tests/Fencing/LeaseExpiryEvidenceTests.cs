using Mesh.Actors.Fencing.Lease;
using static Mesh.Actors.Tests.Fencing.LeaseFixtures;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>SPEC 6 rule 5 (c), the coordinator's arithmetic: every member outside A stopped or was removed, then Duration + DriftMargin.</summary>
public sealed class LeaseExpiryEvidenceTests
{
    private static ExpiryFacts Facts(params OutsideMember[] members) => new("nyc1", S(100), members, GuardedWhenLastHeard: true, AdvisoryFence: false);

    private static OutsideMember Confirmed(string node, double at) => new(node, node[..4], S(at), null);

    [Fact]
    public void Met_Duration_plus_DriftMargin_after_the_last_confirmation()
    {
        var facts = Facts(Confirmed("ams3-a", 101), Confirmed("ams3-b", 104), Confirmed("sfo3-w", 102));

        Assert.False(LeaseExpiryEvidence.Evaluate(facts, S(119.999), Settings).Met);
        var v = LeaseExpiryEvidence.Evaluate(facts, S(120), Settings);
        Assert.True(v.Met, v.Reason);
        Assert.Equal(S(120), v.ExpiredAt);   // 104 + 15 + 1
    }

    [Fact]
    public void A_removed_member_counts_from_its_removal()
    {
        var facts = Facts(Confirmed("ams3-a", 101), new OutsideMember("sfo3-w", "sfo3", null, S(106)));

        Assert.Equal(S(122), LeaseExpiryEvidence.Evaluate(facts, S(200), Settings).ExpiredAt);
    }

    [Fact]
    public void A_member_that_neither_confirmed_nor_was_removed_blocks_it_by_name()
    {
        var v = LeaseExpiryEvidence.Evaluate(Facts(Confirmed("ams3-a", 101), new OutsideMember("sfo3-w", "sfo3", null, null)), S(1000), Settings);

        Assert.False(v.Met);
        Assert.Equal("sfo3-w (sfo3) did not confirm it stopped granting to nyc1 and was not removed", v.Reason);
    }

    [Fact]
    public void A_confirmation_from_before_the_move_was_stored_does_not_count()
    {
        Assert.False(LeaseExpiryEvidence.Evaluate(Facts(Confirmed("ams3-a", 99)), S(1000), Settings).Met);
    }

    [Fact]
    public void Counting_starts_no_earlier_than_the_stored_move()
    {
        Assert.Equal(S(116), LeaseExpiryEvidence.Evaluate(Facts(), S(1000), Settings).ExpiredAt);
    }

    [Fact]
    public void An_unguarded_region_or_an_advisory_fence_is_never_proven_by_expiry()
    {
        var facts = Facts(Confirmed("ams3-a", 101));

        Assert.Contains("not guarded", LeaseExpiryEvidence.Evaluate(facts with { GuardedWhenLastHeard = false }, S(1000), Settings).Reason, StringComparison.Ordinal);
        Assert.False(LeaseExpiryEvidence.Evaluate(facts with { GuardedWhenLastHeard = false }, S(1000), Settings).Met);
        Assert.False(LeaseExpiryEvidence.Evaluate(facts with { AdvisoryFence = true }, S(1000), Settings).Met);
        Assert.True(LeaseExpiryEvidence.Evaluate(facts, S(1000), Settings).Met);
    }
}
