using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests;

/// <summary>
/// SPEC 6 rule 1 at the coordinator: what it stored by majority survives the whole mesh stopping and starting
/// again on the same data folders, and the new coordinator incarnation starts from it.
/// </summary>
public sealed class CoordinatorRestartTests : IAsyncLifetime
{
    private readonly string _dataRoot = TestMesh.NewDataRoot();
    private IReadOnlyList<TestNode> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await StopAsync();
        TestMesh.DeleteDataRoot(_dataRoot);
    }

    private async Task StartAsync()
    {
        _nodes = await TestMesh.StartAsync(throttled: false, _dataRoot, serializeMessages: false);
        await StateMesh.StartedAsync(_nodes);
        await ThreeRegionClusterTest.AwaitCoordinatorsAsync(_nodes, TimeSpan.FromSeconds(120));
    }

    private async Task StopAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        _nodes = [];
    }

    [Fact]
    public async Task A_pause_stored_by_the_coordinator_survives_a_restart_of_the_whole_mesh()
    {
        await StartAsync();
        CommandAnswer? paused = null;
        // The coordinator answers 503 while it reads the stored state for the first time.
        await TestMesh.AwaitAsync(async () => (paused = await _nodes[1].AskCoordinatorAsync<CommandAnswer>(new PauseFailover("restart drill")))?.Status == 200,
            TimeSpan.FromSeconds(60), "the coordinator stores the pause");

        await StopAsync();
        await StartAsync();
        FailoverStatus? status = null;
        await TestMesh.AwaitAsync(async () => (status = await _nodes[2].AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance)) is { Paused: true },
            TimeSpan.FromSeconds(60), "the restarted coordinator reads the pause back");

        Assert.Equal(("nyc1", 0L, true), (status!.ActiveRegion, status.Epoch, status.Paused));
    }
}
