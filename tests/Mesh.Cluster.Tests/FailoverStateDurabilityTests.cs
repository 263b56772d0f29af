using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Cluster.Tests;

/// <summary>The whole mesh stopped and started again on the same data folders finds the stored state (the durable store's smoke test).</summary>
public sealed class FailoverStateDurabilityTests : IAsyncLifetime
{
    // Durable like the coordinator's key (the durable keys are "failover-state*"), but not the live coordinator's own.
    private const string Key = "failover-state-durability-test";
    private readonly string _dataRoot = TestMesh.NewDataRoot();
    private IReadOnlyList<TestNode> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await StopAsync();
        TestMesh.DeleteDataRoot(_dataRoot);
    }

    [Fact]
    public async Task The_whole_mesh_restarted_on_the_same_data_folders_reads_the_stored_state_back()
    {
        await StartAsync();
        var state = FailoverSamples.Moving(12, phase: Phases.Promoting);
        Assert.IsType<StateWritten>(await StateMesh.Store(_nodes[0], key: Key).WriteMajorityAsync(state));
        // The majority write is on two disks at once; gossip brings it to the third.
        await TestMesh.AwaitAsync(async () =>
        {
            var locals = await Task.WhenAll(_nodes.Select(n => StateMesh.Store(n, key: Key).ReadLocalAsync()));
            return locals.All(l => l is StateFound found && found.State.Epoch == state.Epoch);
        }, TimeSpan.FromSeconds(30), "every replica holds epoch 12");

        await StopAsync();
        foreach (var node in TestMesh.Layout)
        {
            var file = Path.Combine(_dataRoot, node.Node, "ddata", $"{Key}.ddata");
            Assert.True(File.Exists(file), $"{file} exists");
        }

        // New actor systems (new ports, new incarnations), the same folders: every node finds the state on
        // its own disk as soon as it starts, before the cluster forms, and a majority read returns it whole.
        _nodes = await TestMesh.StartAsync(throttled: false, _dataRoot, serializeMessages: false);
        foreach (var node in _nodes)
        {
            var local = Assert.IsType<StateFound>(await StateMesh.Store(node, key: Key).ReadLocalAsync());
            Assert.Equal(FailoverSamples.Json(state), FailoverSamples.Json(local.State));
        }
        await StateMesh.StartedAsync(_nodes);
        var majority = Assert.IsType<StateFound>(await StateMesh.Store(_nodes[2], key: Key).ReadMajorityAsync());
        Assert.Equal(FailoverSamples.Json(state), FailoverSamples.Json(majority.State));

        // The restarted mesh goes on from there: an older epoch is refused, a newer one stored.
        Assert.IsType<StateWriteRefused>(await StateMesh.Store(_nodes[1], key: Key).WriteMajorityAsync(FailoverSamples.Moving(11)));
        Assert.IsType<StateWritten>(await StateMesh.Store(_nodes[1], key: Key).WriteMajorityAsync(FailoverSamples.Moving(13, "after-restart")));
    }

    private async Task StartAsync()
    {
        _nodes = await TestMesh.StartAsync(throttled: false, _dataRoot, serializeMessages: false);
        await StateMesh.StartedAsync(_nodes);
    }

    private async Task StopAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        _nodes = [];
    }
}
