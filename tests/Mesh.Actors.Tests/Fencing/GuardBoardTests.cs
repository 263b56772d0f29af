using Mesh.Actors.Fencing;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using static Mesh.Actors.Tests.Fencing.LeaseFixtures;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>The coordinator's view of the guards: who holds a lease now, whether the region is guarded, and whether it fenced itself.</summary>
public sealed class GuardBoardTests
{
    private readonly GuardBoard _board = new(S(3));

    private static GuardReport Report(string node, bool holds = true, bool ready = true, bool released = false, bool guarding = true, Epoch? fencedUnder = null) =>
        new(node, node[..4], Current, guarding, holds, ready, ready ? "ready" : "not checked yet", fencedUnder, released, "verdict");

    [Fact]
    public void Holders_are_the_regions_guards_with_a_fresh_report_of_a_lease()
    {
        _board.Record(Report("nyc1-b"), S(10));
        _board.Record(Report("nyc1-a", ready: false), S(9));   // holds a lease, not fence-ready: still a holder
        _board.Record(Report("nyc1-c"), S(6.9));              // stale
        _board.Record(Report("nyc1-d", holds: false), S(10));
        _board.Record(Report("nyc1-e", released: true), S(10));
        _board.Record(Report("nyc1-f", guarding: false), S(10));
        _board.Record(Report("ams3-a"), S(10));

        Assert.Equal(["nyc1-a", "nyc1-b"], _board.Holders("nyc1", S(10)));
        Assert.Equal(["nyc1-a", "nyc1-b", "nyc1-c"], _board.Holders("nyc1", S(9.9)));
        Assert.Empty(_board.Holders("nyc1", S(13.1)));
        Assert.Equal(["ams3-a"], _board.Holders("ams3", S(10)));
    }

    [Fact]
    public void A_report_replaces_the_nodes_earlier_one()
    {
        _board.Record(Report("nyc1-a"), S(10));
        _board.Record(Report("nyc1-a", holds: false), S(11));

        Assert.Empty(_board.Holders("nyc1", S(11)));
        Assert.False(_board.Guarded("nyc1", S(11)));
    }

    [Fact]
    public void Guarded_needs_a_fresh_fence_ready_holder()
    {
        _board.Record(Report("nyc1-a", ready: false), S(10));
        Assert.False(_board.Guarded("nyc1", S(10)));

        _board.Record(Report("nyc1-b"), S(10));
        Assert.True(_board.Guarded("nyc1", S(13)));
        Assert.False(_board.Guarded("nyc1", S(13.1)));   // no longer fresh
        Assert.False(_board.Guarded("ams3", S(10)));
    }

    [Fact]
    public void Guarded_when_last_heard_is_null_without_reports_and_reads_the_reports_near_the_regions_last()
    {
        Assert.Null(_board.GuardedWhenLastHeard("nyc1"));
        _board.Record(Report("ams3-a"), S(50));
        Assert.Null(_board.GuardedWhenLastHeard("nyc1"));

        _board.Record(Report("nyc1-a"), S(10));
        _board.Record(Report("nyc1-b", ready: false), S(12));
        Assert.True(_board.GuardedWhenLastHeard("nyc1"));   // nyc1-a's report is within freshFor of the last one, however old both are

        _board.Record(Report("nyc1-b", ready: false), S(13.5));
        Assert.False(_board.GuardedWhenLastHeard("nyc1"));   // nyc1-a's is now more than freshFor before the region's last word

        _board.Record(Report("nyc1-a", released: true), S(14));
        Assert.False(_board.GuardedWhenLastHeard("nyc1"));
    }

    [Fact]
    public void Self_fenced_is_the_newest_fence_no_older_than_the_epoch_given()
    {
        var e5 = new Epoch(5, "c1");
        var e9 = new Epoch(9, "c1");
        Assert.Null(_board.SelfFenced("nyc1", Current));

        _board.Record(Report("nyc1-a", fencedUnder: e5), S(1));
        Assert.Null(_board.SelfFenced("nyc1", Current));   // lifted since
        Assert.Equal(e5, _board.SelfFenced("nyc1", e5));

        _board.Record(Report("nyc1-b", fencedUnder: Current), S(2));
        _board.Record(Report("nyc1-c", fencedUnder: e9), S(3));
        _board.Record(Report("ams3-a", fencedUnder: new Epoch(11, "c1")), S(3));
        Assert.Equal(e9, _board.SelfFenced("nyc1", Current));   // reports of any age count
        Assert.Equal(e9, _board.SelfFenced("nyc1", e9));
        Assert.Null(_board.SelfFenced("nyc1", new Epoch(10, "c1")));
    }
}
