using System.Diagnostics;
using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;
using Xunit.Abstractions;

namespace Mesh.Cluster.Tests;

/// <summary>The stored failover state across three nodes over real remoting: what one node writes with a majority, any other reads with one.</summary>
public sealed class FailoverStateReplicationTests(SharedStateMesh mesh, ITestOutputHelper output) : IClassFixture<SharedStateMesh>
{
    private TestNode Node(string name) => mesh.Nodes.Single(n => n.Name == name);

    [Fact]
    public async Task A_majority_write_on_one_node_is_read_by_a_majority_read_on_every_other_node()
    {
        // A durable key ("failover-state*"), so the timings include each node's flush to disk; not the live coordinator's own.
        const string key = StateMesh.TestKey + "-replication";
        var writer = StateMesh.Store(Node("nyc1-a"), key: key);
        var readers = mesh.Nodes.Where(n => n.Name != "nyc1-a").Select(n => StateMesh.Store(n, key: key)).ToList();

        Assert.IsType<NoStateStored>(await readers[0].ReadMajorityAsync());

        var state = FailoverSamples.Moving(1);
        Assert.IsType<StateWritten>(await writer.WriteMajorityAsync(state));
        foreach (var reader in readers)
        {
            // Crossed the wire through the mesh's serializer (DData's envelope around it): every field is back.
            var found = Assert.IsType<StateFound>(await reader.ReadMajorityAsync());
            Assert.Equal(FailoverSamples.Json(state), FailoverSamples.Json(found.State));
            Assert.Equal(state.Epoch, found.State.Epoch);
        }

        // Each majority write is seen at once by a majority read elsewhere (the two majorities overlap), and this measures both.
        var writes = new List<double>();
        var reads = new List<double>();
        for (var counter = 2; counter <= 31; counter++)
        {
            var next = FailoverSamples.Moving(counter, phase: Phases.Promoting);
            var clock = Stopwatch.StartNew();
            Assert.IsType<StateWritten>(await writer.WriteMajorityAsync(next));
            writes.Add(clock.Elapsed.TotalMilliseconds);

            clock.Restart();
            var found = Assert.IsType<StateFound>(await readers[counter % 2].ReadMajorityAsync());
            reads.Add(clock.Elapsed.TotalMilliseconds);
            Assert.Equal(next.Epoch, found.State.Epoch);
        }
        output.WriteLine($"majority write on loopback: median {Median(writes):0.0} ms, max {writes.Max():0.0} ms ({writes.Count} writes)");
        output.WriteLine($"majority read on loopback: median {Median(reads):0.0} ms, max {reads.Max():0.0} ms ({reads.Count} reads)");
    }

    [Fact]
    public async Task Concurrent_writes_in_different_epochs_converge_to_the_highest_epoch_on_every_node()
    {
        const string key = "failover-state-concurrent";
        var stores = mesh.Nodes.Select(n => StateMesh.Store(n, key: key)).ToList();

        // Three coordinators that each believe they are the one (a doubled singleton), writing at once.
        // Two of them pick the same counter: the incarnation orders them, as the epoch does everywhere else.
        FailoverState[] attempts = [FailoverSamples.Moving(5, "nyc1-coordinator"), FailoverSamples.Moving(7, "a-ams3"), FailoverSamples.Moving(7, "b-sfo3")];
        var results = await Task.WhenAll(stores.Select((s, i) => s.WriteMajorityAsync(attempts[i])));

        // Nothing is lost to a timeout; a write can be refused only because a newer epoch got there first.
        Assert.All(results, r => Assert.True(r is StateWritten || (r is StateWriteRefused refused && refused.StoredEpoch > r.Attempted.Epoch), r.ToString()));
        Assert.IsType<StateWritten>(results[2]);

        var highest = new Epoch(7, "b-sfo3");
        foreach (var store in stores)
            Assert.Equal(highest, Assert.IsType<StateFound>(await store.ReadMajorityAsync()).State.Epoch);

        // And gossip brings every node's own replica there, whichever write reached it first.
        await TestMesh.AwaitAsync(async () =>
        {
            var locals = await Task.WhenAll(stores.Select(s => s.ReadLocalAsync()));
            return locals.All(l => l is StateFound found && found.State.Epoch == highest);
        }, TimeSpan.FromSeconds(30), "every replica holds epoch 7/b-sfo3");
    }

    [Fact]
    public async Task A_later_write_in_the_same_epoch_wins_and_a_write_in_an_older_epoch_is_refused()
    {
        const string key = "failover-state-order";
        var coordinator = StateMesh.Store(Node("sfo3-w"), key: key);
        var reader = StateMesh.Store(Node("nyc1-a"), key: key);

        // A decision, then its step results, all in epoch 3: each later write replaces the one before.
        Assert.IsType<StateWritten>(await coordinator.WriteMajorityAsync(FailoverSamples.Moving(3, phase: Phases.Fencing)));
        Assert.IsType<StateWritten>(await coordinator.WriteMajorityAsync(FailoverSamples.Moving(3, phase: Phases.Promoting)));
        Assert.IsType<StateWritten>(await coordinator.WriteMajorityAsync(FailoverSamples.Moving(3, phase: Phases.SwitchingDns)));
        Assert.Equal(Phases.SwitchingDns, Assert.IsType<StateFound>(await reader.ReadMajorityAsync()).State.Phase);

        // A stale coordinator (it decided in epoch 2) learns that it is stale, and the stored state is untouched.
        // Its node's replica holds epoch 3 by then: a majority read merges what it finds into the local replica.
        var staleStore = StateMesh.Store(Node("ams3-a"), key: key);
        Assert.IsType<StateFound>(await staleStore.ReadMajorityAsync());
        var stale = Assert.IsType<StateWriteRefused>(await staleStore.WriteMajorityAsync(FailoverSamples.Moving(2, phase: Phases.Completed)));
        Assert.Equal(new Epoch(3, "3f2a9c"), stale.StoredEpoch);
        Assert.Contains("stale", stale.Reason, StringComparison.Ordinal);
        var after = Assert.IsType<StateFound>(await reader.ReadMajorityAsync());
        Assert.Equal((new Epoch(3, "3f2a9c"), Phases.SwitchingDns), (after.State.Epoch, after.State.Phase));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
