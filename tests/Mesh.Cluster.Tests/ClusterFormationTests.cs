using Akka.Cluster;
using Mesh.Actors.ClusterState;
using Mesh.Actors.Hosting;

namespace Mesh.Cluster.Tests;

public sealed class ClusterFormationTests : IAsyncLifetime
{
    private IReadOnlyList<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes = await TestMesh.StartAsync(throttled: false);

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }

    [Fact]
    public async Task Three_regions_form_one_cluster_and_agree_on_leader_and_coordinator()
    {
        await TestMesh.AwaitAsync(
            () => _nodes.All(n => n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 3),
            TimeSpan.FromSeconds(30), "every node sees three Up members");

        // Every member carries its region and node name, so any node can describe the whole cluster.
        var view = ClusterViews.From(_nodes[0].Cluster.SelfMember, _nodes[0].Cluster.State, null);
        Assert.Equal(
            TestMesh.Layout.Select(l => (l.Node, l.Region)).Order(),
            view.Members.Select(m => (m.Node!, m.Region!)).Order());
        Assert.All(view.Members, m => Assert.Contains(TestMesh.Layout.Single(l => l.Node == m.Node).Kind, m.Roles));

        await TestMesh.AwaitAsync(
            () => _nodes.Select(n => n.Cluster.State.Leader).Distinct().Count() == 1 && _nodes[0].Cluster.State.Leader is not null,
            TimeSpan.FromSeconds(10), "all nodes name the same leader");

        string?[] coordinators = [];
        await TestMesh.AwaitAsync(async () =>
        {
            coordinators = (await Task.WhenAll(_nodes.Select(n => n.CoordinatorAsync()))).Select(s => s?.Address).ToArray();
            return coordinators.All(c => c is not null);
        }, TimeSpan.FromSeconds(30), "every node's proxy reaches the coordinator");

        Assert.Single(coordinators.Distinct());
        // The singleton runs on the oldest member, and exactly there.
        var oldest = _nodes.Select(n => n.Cluster.SelfMember).Aggregate((a, b) => a.IsOlderThan(b) ? a : b);
        Assert.Equal(oldest.Address.ToString(), coordinators[0]);
        var host = _nodes.Single(n => n.Address.ToString() == coordinators[0]);
        Assert.Equal(host.Name, ClusterRoles.NodeOf(host.Cluster.SelfMember));
    }
}
