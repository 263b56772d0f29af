using Mesh.Actors.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Cluster.Tests;

/// <summary>A node cut off from the majority cannot store or read the failover state; the majority still can.</summary>
public sealed class FailoverStateUnreachableTests() : ThreeRegionClusterTest(throttled: true, serializeMessages: false)
{
    [Fact]
    public async Task A_write_from_a_node_cut_off_from_the_majority_times_out_and_says_so_while_the_majority_side_still_writes()
    {
        await StateMesh.StartedAsync(Nodes);
        var isolated = Nodes.Single(n => n.Name == "nyc1-a");
        var majority = Nodes.Where(n => n != isolated).ToList();
        var store = StateMesh.Store(isolated, TimeSpan.FromSeconds(1));
        Assert.IsType<StateWritten>(await store.WriteMajorityAsync(FailoverSamples.Moving(1)));

        foreach (var other in majority)
        {
            Assert.True(await isolated.BlackholeAsync(other));
            Assert.True(await other.BlackholeAsync(isolated));
        }

        // At once, before the failure detector or the split brain resolver has acted: the majority's acknowledgements never come.
        var attempted = FailoverSamples.Moving(2);
        var failed = Assert.IsType<StateWriteFailed>(await store.WriteMajorityAsync(attempted));
        Assert.Same(attempted, failed.Attempted);
        Assert.Contains("fewer than a majority of nodes stored epoch 2/3f2a9c within 1 s", failed.Reason, StringComparison.Ordinal);
        Assert.IsType<StateReadFailed>(await store.ReadMajorityAsync());

        // Two of three is a majority: the other side reads (the failed write never reached it) and stores.
        var majorityStore = StateMesh.Store(majority[0], TimeSpan.FromSeconds(1));
        Assert.Equal(1, Assert.IsType<StateFound>(await majorityStore.ReadMajorityAsync()).State.Epoch.Counter);
        Assert.IsType<StateWritten>(await majorityStore.WriteMajorityAsync(FailoverSamples.Moving(3, "majority")));
        var found = Assert.IsType<StateFound>(await StateMesh.Store(majority[1], TimeSpan.FromSeconds(1)).ReadMajorityAsync());
        Assert.Equal(3, found.State.Epoch.Counter);
    }
}
