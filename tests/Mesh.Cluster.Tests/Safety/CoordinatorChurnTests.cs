using static Mesh.Cluster.Tests.Safety.SafetyChecks;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// SPEC 6 rule 4's reason for grants from every node: the coordinator's node crashes again and again (2 + 2 nodes in
/// ams3 and sfo3 keep the mesh alive), and the active region, which takes its lease from the grantors and not from
/// the coordinator, is never fenced; nothing moves.
/// </summary>
public sealed class CoordinatorChurnTests : IAsyncLifetime
{
    // nyc1-a starts once the others are Up: the coordinator runs on the oldest member, so it reaches nyc1-a only
    // once all four others are gone, never within three kills.
    private static readonly IReadOnlyList<(string Node, string Region)> Layout =
        [("ams3-a", "ams3"), ("ams3-b", "ams3"), ("sfo3-a", "sfo3"), ("sfo3-b", "sfo3"), ("nyc1-a", "nyc1")];

    private const int Kills = 3;
    private static readonly TimeSpan Between = TimeSpan.FromSeconds(3);
    private SafetyMesh _mesh = null!;

    // The safety mesh's lease with RenewInterval 1 s instead of 0.5 s (FenceLead and Duration still valid for it): five
    // nodes in one process on a shared two-core machine, three of them torn down in the middle, starve the thread
    // pool now and then for more than half a second, and a guard whose timer fires later than RenewInterval rightly
    // takes itself for frozen and fences (seen: "its timer fired 0.766 s late"). That is rule 4's pause detector
    // seeing this host, not the coordinator's absence, which is what this test is about.
    public async Task InitializeAsync() => _mesh = await SafetyMesh.StartAsync(Layout, startLast: true,
        configure: o => o with { Failover = o.Failover with { Lease = SafetyMesh.Lease with { RenewInterval = TimeSpan.FromSeconds(1) } } });

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task Killing_the_coordinators_node_again_and_again_never_fences_nyc1_and_moves_nothing()
    {
        var before = await AwaitGuardedAsync(_mesh);
        var killed = new List<string>();

        for (var i = 0; i < Kills; i++)
        {
            var coordinator = await CoordinatorNodeAsync(killed);
            Assert.True(coordinator.Region != "nyc1", $"the coordinator runs outside nyc1 (on {coordinator.Name})\n{_mesh.Timeline}");
            // The new coordinator gets a few seconds to load the state and poll before its node dies too (the churn itself).
            await Task.Delay(Between);
            await _mesh.KillAsync(coordinator);
            killed.Add(coordinator.Name);
        }
        var last = await CoordinatorNodeAsync(killed);
        // Watch for QuietWindow with the last coordinator in place: long enough for nyc1's lease to lapse, had it
        // depended on the coordinators that died, and for a failover to be decided.
        await Task.Delay(QuietWindow);

        var status = await AwaitGuardedAsync(_mesh, TimeSpan.FromSeconds(30));
        var history = await HistoryAsync(_mesh);
        var why = $"coordinators killed: {string.Join(", ", killed)}; last on {last.Name}\n{Describe(_mesh, history, status)}";
        Assert.True(_mesh.Fences("nyc1").Count == 0, $"no guard fences nyc1\n{why}");
        Assert.True(Moves(history).Count == 0 && _mesh.Steps("").Count == 0, $"no failover is recorded and no plan step runs\n{why}");
        Assert.True(status.ActiveRegion == "nyc1" && status.Epoch == before.Epoch, $"nyc1 stays active under epoch {before.Epoch}\n{why}");
        Assert.True(status.LeaseHolders.SequenceEqual(["nyc1-a"]), $"nyc1-a holds the lease\n{why}");
    }

    /// <summary>The node the coordinator runs on, once one that was not killed answers for it.</summary>
    private async Task<TestNode> CoordinatorNodeAsync(IReadOnlyCollection<string> killed)
    {
        TestNode? found = null;
        await TestMesh.AwaitAsync(async () =>
        {
            foreach (var node in _mesh.Nodes.Where(Running))
                if (await node.CoordinatorAsync() is { Node: { } name } && !killed.Contains(name))
                    return (found = _mesh.Nodes.SingleOrDefault(n => n.Name == name)) is not null;
            return false;
        }, TimeSpan.FromSeconds(90), () => $"a new coordinator runs (killed so far: {string.Join(", ", killed)})\n{_mesh.Timeline}");
        return found!;
    }
}
