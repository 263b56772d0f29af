using Mesh.Contracts.Failover;
using static Mesh.Cluster.Tests.Safety.SafetyChecks;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// SPEC 6 rules 4, 5 and 12 with one node of the active region cut off from every other node, its own region's
/// included (nyc1 with two nodes). The lone node is downed; the region keeps a guard holding a lease; any fence the
/// lone node put on nyc1's primaries is lifted by a recorded unfence; nothing moves.
/// </summary>
public sealed class LoneNodeTests : IAsyncLifetime
{
    private static readonly IReadOnlyList<(string Node, string Region)> Layout = [("nyc1-a", "nyc1"), ("nyc1-b", "nyc1"), ("ams3-a", "ams3"), ("sfo3-w", "sfo3")];
    private SafetyMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await SafetyMesh.StartAsync(Layout);

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task A_lone_node_of_the_active_region_cut_off_leaves_no_lasting_fence_and_moves_nothing()
    {
        await AwaitGuardedAsync(_mesh);
        var lone = _mesh.Nodes.Single(n => n.Name == "nyc1-b");

        await _mesh.CutAsync([lone], _mesh.Nodes.Where(n => n != lone));

        await TestMesh.AwaitAsync(() => !Running(lone), TimeSpan.FromSeconds(60), () => $"nyc1-b is downed\n{_mesh.Timeline}");
        // Watch for QuietWindow: long enough for the lone node's lease to lapse (it fences then, or on its way out), for
        // the coordinator to lift that fence, and for a failover to be decided, were any going to happen.
        await Task.Delay(QuietWindow);
        if (_mesh.Fences("nyc1").Count > 0)
            await TestMesh.AwaitAsync(() => NoLastingFence(_mesh, "nyc1"), TimeSpan.FromSeconds(30),
                () => $"the coordinator lifts the fence of nyc1 by a recorded unfence\n{_mesh.Timeline}");

        var status = await AwaitGuardedAsync(_mesh, TimeSpan.FromSeconds(30));
        var history = await HistoryAsync(_mesh);
        var why = Describe(_mesh, history, status);
        Assert.True(Moves(history).Count == 0, $"no failover or switchover is recorded\n{why}");
        Assert.True(status.ActiveRegion == "nyc1", $"nyc1 stays active\n{why}");
        Assert.True(status.LeaseHolders.Contains("nyc1-a"), $"nyc1-a holds the lease\n{why}");
        Assert.True(_mesh.Fences("nyc1").All(f => f.Node == "nyc1-b"), $"only the lone node fences\n{why}");
        if (_mesh.Fences("nyc1").Count > 0)
            Assert.True(history.Any(h => h.Kind == DecisionKinds.Unfence && h.From == "nyc1"), $"the lift is a recorded unfence decision\n{why}");
    }
}
