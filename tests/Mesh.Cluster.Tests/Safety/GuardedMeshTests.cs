using Mesh.Actors.Fencing;
using Mesh.Contracts.Failover;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// Rule 4 across real nodes: once the first start is stored, the active region's guard is granted leases by every
/// region and the coordinator shows the region guarded, with its lease holder; nothing is fenced.
/// </summary>
public sealed class GuardedMeshTests : IAsyncLifetime
{
    private readonly string _dataRoot = TestMesh.NewDataRoot();
    private readonly SafetyTimeline _timeline = new();
    private IReadOnlyList<TestNode> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        TestMesh.DeleteDataRoot(_dataRoot);
    }

    [Fact]
    public async Task The_active_region_is_guarded_by_its_node_and_nothing_is_fenced()
    {
        _nodes = await TestMesh.StartAsync(throttled: false, _dataRoot, serializeMessages: false,
            services: (node, s) => s.AddSingleton<IRegionFence>(new RecordingFence(node, _timeline)));
        var witness = _nodes.Single(n => n.Region == "sfo3");

        FailoverStatus? status = null;
        await TestMesh.AwaitAsync(async () => (status = await witness.AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance)) is { Guarded: true },
            TimeSpan.FromSeconds(120), () => $"the coordinator shows nyc1 guarded; last status: {status}");

        Assert.Equal(["nyc1-a"], status!.LeaseHolders);
        Assert.Equal("nyc1", status.ActiveRegion);
        Assert.Empty(_timeline.Events);
    }
}
