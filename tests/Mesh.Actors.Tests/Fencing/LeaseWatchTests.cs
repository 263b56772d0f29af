using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Fencing;
using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using static Mesh.Actors.Tests.Fencing.LeaseFixtures;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>
/// The coordinator's watch for evidence (c) on a move away from nyc1 stored at 10 in epoch 8: who must confirm,
/// which confirmations count, and when Duration + DriftMargin (16 s) has passed.
/// </summary>
public sealed class LeaseWatchTests
{
    private static readonly Epoch Move = Current.Next("c2");
    private readonly LeaseWatch _watch = new("nyc1", Move, S(10));

    private static readonly ReachableMember Nyc1A = new("nyc1-a", "nyc1");
    private static readonly ReachableMember Ams3A = new("ams3-a", "ams3");
    private static readonly ReachableMember Sfo3A = new("sfo3-a", "sfo3");

    private static StoppedGranting Stop(string grantor, Epoch? epoch = null, string region = "nyc1", bool guarded = true) =>
        new(grantor, grantor[..4], region, epoch ?? Move, guarded);

    private ExpiryVerdict Evaluate(double now, bool? guarded = true) => _watch.Evaluate(guarded, advisoryFence: false, S(now), Settings);

    [Fact]
    public void Every_member_outside_the_region_must_confirm_and_the_lease_counts_as_expired_Duration_plus_DriftMargin_after_the_last()
    {
        _watch.Members([Nyc1A, Ams3A, Sfo3A], S(10));
        var waiting = Evaluate(100);
        Assert.False(waiting.Met);
        Assert.Equal("ams3-a (ams3), sfo3-a (sfo3) did not confirm it stopped granting to nyc1 and was not removed", waiting.Reason);

        _watch.Stopped(Stop("ams3-a"), S(11));
        _watch.Stopped(Stop("sfo3-a", Move.Next("c3")), S(12));   // a later epoch counts too

        Assert.False(Evaluate(27.999).Met);
        var met = Evaluate(28);
        Assert.True(met.Met, met.Reason);
        Assert.Equal(S(28), met.ExpiredAt);
    }

    [Fact]
    public void A_member_seen_gone_counts_from_its_removal()
    {
        _watch.Members([Ams3A, Sfo3A], S(10));
        _watch.Stopped(Stop("ams3-a"), S(11));
        _watch.Members([Ams3A], S(13));   // sfo3-a removed

        Assert.Equal(S(29), Evaluate(29).ExpiredAt);
        Assert.True(Evaluate(29).Met);
        Assert.False(Evaluate(28.9).Met);
    }

    [Fact]
    public void A_member_that_joins_after_the_move_must_confirm_too()
    {
        _watch.Members([Ams3A], S(10));
        _watch.Stopped(Stop("ams3-a"), S(11));
        Assert.True(Evaluate(27).Met);

        _watch.Members([Ams3A, Sfo3A], S(20));

        Assert.False(Evaluate(100).Met);
        _watch.Stopped(Stop("sfo3-a"), S(21));
        Assert.Equal(S(37), Evaluate(100).ExpiredAt);
    }

    public static TheoryData<string, StoppedGranting> NotCounted => new()
    {
        { "a stop for another region", Stop("sfo3-a", region: "ams3") },
        { "a stop under an older epoch", Stop("sfo3-a", Current) },
    };

    [Theory]
    [MemberData(nameof(NotCounted))]
    public void Confirmations_for_another_region_or_an_older_epoch_do_not_count(string why, StoppedGranting stop)
    {
        _watch.Members([Ams3A, Sfo3A], S(10));
        _watch.Stopped(Stop("ams3-a"), S(11));

        _watch.Stopped(stop, S(12));

        var v = Evaluate(100);
        Assert.False(v.Met, why);
        Assert.StartsWith("sfo3-a (sfo3) did not confirm", v.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Confirmations_from_the_region_itself_are_ignored_with_their_word_on_its_guards()
    {
        _watch.Members([Nyc1A, Ams3A], S(10));
        _watch.Stopped(Stop("ams3-a", guarded: false), S(11));

        _watch.Stopped(Stop("nyc1-b", guarded: true), S(20));   // a grantor inside nyc1 that learned of the move

        var v = Evaluate(100, guarded: null);
        Assert.False(v.Met);
        Assert.Equal(S(27), v.ExpiredAt);   // neither joined nor moved the count
        Assert.Contains("was not guarded when last heard from", v.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_guard_reports_the_grantors_word_on_the_regions_guards_decides()
    {
        _watch.Members([Ams3A, Sfo3A], S(10));
        _watch.Stopped(Stop("ams3-a", guarded: false), S(11));
        _watch.Stopped(Stop("sfo3-a", guarded: false), S(12));

        Assert.False(Evaluate(100, guarded: null).Met);
        Assert.True(Evaluate(100, guarded: true).Met);   // the coordinator's own reports win

        _watch.Stopped(Stop("sfo3-a", guarded: true), S(13));   // a repeat: one grantor heard a guarded request last
        Assert.True(Evaluate(100, guarded: null).Met);
        Assert.Equal(S(28), Evaluate(100, guarded: null).ExpiredAt);   // the repeat does not move its confirmation
        Assert.False(Evaluate(100, guarded: false).Met);
    }

    [Fact]
    public void A_member_that_reappears_must_confirm_again()
    {
        _watch.Members([Ams3A, Sfo3A], S(10));
        _watch.Stopped(Stop("ams3-a"), S(11));
        _watch.Stopped(Stop("sfo3-a"), S(12));
        _watch.Members([Ams3A], S(13));
        Assert.Equal(S(28), Evaluate(100).ExpiredAt);   // it confirmed before it went: the earlier of the two counts

        _watch.Members([Ams3A, Sfo3A], S(14));   // back under a new incarnation, perhaps with an old copy on disk

        Assert.False(Evaluate(100).Met);
        _watch.Stopped(Stop("sfo3-a"), S(15));
        Assert.Equal(S(31), Evaluate(100).ExpiredAt);
        Assert.False(Evaluate(30.9).Met);
        Assert.True(Evaluate(31).Met);
    }
}
