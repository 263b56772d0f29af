using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Actors.Tests;

/// <summary>How replicas of the stored failover state merge: the highest epoch wins, by the epoch's own order, and later writes in one epoch win.</summary>
public sealed class FailoverStateRegisterTests
{
    private static FailoverStateRegister R(long counter, string incarnation, long revision, string phase = Phases.Fencing) =>
        new(FailoverSamples.Moving(counter, incarnation, phase), revision);

    [Fact]
    public void The_higher_epoch_wins_whatever_the_revisions_and_the_merge_order()
    {
        var older = R(4, "zz", revision: 90);
        var newer = R(5, "aa", revision: 1);

        Assert.Same(newer, older.Merge(newer));
        Assert.Same(newer, newer.Merge(older));
    }

    [Fact]
    public void With_equal_counters_the_incarnation_decides_as_the_epoch_orders_it()
    {
        var a = R(7, "a-ams3", revision: 3);
        var b = R(7, "b-sfo3", revision: 1);

        Assert.True(new Epoch(7, "b-sfo3") > new Epoch(7, "a-ams3"));
        Assert.Same(b, a.Merge(b));
        Assert.Same(b, b.Merge(a));
    }

    [Fact]
    public void Within_one_epoch_the_later_write_wins()
    {
        var decided = FailoverStateRegister.After(null, FailoverSamples.Moving(3, phase: Phases.Fencing));
        var stepDone = FailoverStateRegister.After(decided, FailoverSamples.Moving(3, phase: Phases.Promoting));

        Assert.Equal((1L, 2L), (decided.Revision, stepDone.Revision));
        Assert.Equal(Phases.Promoting, decided.Merge(stepDone).State.Phase);
        Assert.Equal(Phases.Promoting, stepDone.Merge(decided).State.Phase);
    }

    [Fact]
    public void A_write_in_an_older_epoch_is_refused_and_names_both_epochs()
    {
        var stored = FailoverStateRegister.After(null, FailoverSamples.Moving(9, "c0ffee"));

        var e = Assert.Throws<StaleStateWriteException>(() => FailoverStateRegister.After(stored, FailoverSamples.Moving(8, "c0ffee")));

        Assert.Equal((new Epoch(9, "c0ffee"), new Epoch(8, "c0ffee")), (e.Stored, e.Attempted));
        Assert.Contains("9/c0ffee", e.Message, StringComparison.Ordinal);
        Assert.Contains("8/c0ffee", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_write_in_a_newer_epoch_wins_over_what_this_replica_holds()
    {
        var stored = R(9, "c0ffee", revision: 40);
        var next = FailoverStateRegister.After(stored, FailoverSamples.Moving(10, "d00d"));

        Assert.Same(next, stored.Merge(next));
    }

    [Fact]
    public void Merging_is_commutative_associative_and_idempotent_so_replicas_converge_in_any_order()
    {
        // Includes a collision: same epoch and revision, different content (two writers sharing an incarnation).
        FailoverStateRegister[] all =
        [
            R(1, "a", 1), R(2, "a", 1), R(2, "b", 1), R(2, "b", 2), R(2, "b", 2, Phases.Promoting), R(3, "", 7), R(0, "", 1),
        ];
        foreach (var x in all)
        {
            Assert.Equal(0, FailoverStateRegister.Order(x, x.Merge(x)));
            foreach (var y in all)
            {
                Assert.Equal(0, FailoverStateRegister.Order(x.Merge(y), y.Merge(x)));
                foreach (var z in all)
                    Assert.Equal(0, FailoverStateRegister.Order(x.Merge(y).Merge(z), x.Merge(y.Merge(z))));
            }
        }

        var anyOrder = all.Reverse().Aggregate((acc, r) => acc.Merge(r));
        Assert.Equal(new Epoch(3, ""), anyOrder.State.Epoch);
        Assert.Equal(0, FailoverStateRegister.Order(anyOrder, all.Aggregate((acc, r) => acc.Merge(r))));
    }
}
