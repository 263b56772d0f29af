using Mesh.Actors.ClusterState;
using Mesh.Actors.Hosting;

namespace Mesh.Cluster.Tests;

public sealed class ClusterFormationTests() : ThreeRegionClusterTest(throttled: false, serializeMessages: false)
{
    [Fact]
    public async Task Three_regions_form_one_cluster_and_agree_on_leader_and_coordinator()
    {
        await AwaitAllUpAsync();

        // Every member carries its region and node name, so any node can describe the whole cluster.
        var view = ClusterViews.From(Nodes[0].Cluster.SelfMember, Nodes[0].Cluster.State, null);
        Assert.Equal(
            TestMesh.Layout.Select(l => (l.Node, l.Region)).Order(),
            view.Members.Select(m => (m.Node!, m.Region!)).Order());
        Assert.All(view.Members, m => Assert.Contains(TestMesh.Layout.Single(l => l.Node == m.Node).Kind, m.Roles));

        await TestMesh.AwaitAsync(
            () => Nodes.Select(n => n.Cluster.State.Leader).Distinct().Count() == 1 && Nodes[0].Cluster.State.Leader is not null,
            TimeSpan.FromSeconds(10), "all nodes name the same leader");

        var coordinators = await AwaitCoordinatorsAsync(Nodes, TimeSpan.FromSeconds(120));

        Assert.Single(coordinators.Distinct());
        // The singleton runs on the oldest member, and exactly there.
        var oldest = Nodes.Select(n => n.Cluster.SelfMember).Aggregate((a, b) => a.IsOlderThan(b) ? a : b);
        Assert.Equal(oldest.Address.ToString(), coordinators[0]);
        var host = Nodes.Single(n => n.Address.ToString() == coordinators[0]);
        Assert.Equal(host.Name, ClusterRoles.NodeOf(host.Cluster.SelfMember));
    }
}
