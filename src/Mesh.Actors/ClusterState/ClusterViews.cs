using Akka.Cluster;
using Mesh.Actors.Hosting;
using Mesh.Contracts.Api;
using Mesh.Contracts.Messages;

namespace Mesh.Actors.ClusterState;

/// <summary>Turns Akka's membership state into the API's cluster view. Pure: the caller supplies the state.</summary>
public static class ClusterViews
{
    public static ClusterView From(Member self, Akka.Cluster.ClusterEvent.CurrentClusterState state, CoordinatorStatus? coordinator)
    {
        var members = state.Members
            .Select(m => new MemberView(m.Address.ToString(), ClusterRoles.NodeOf(m), ClusterRoles.RegionOf(m), m.Status.ToString(),
                !state.Unreachable.Contains(m), m.Roles.Order(StringComparer.Ordinal).ToList()))
            .ToList();
        var leader = state.Leader?.ToString();
        return new ClusterView(
            new SelfView(self.Address.ToString(), ClusterRoles.NodeOf(self), ClusterRoles.RegionOf(self), self.Status.ToString()),
            leader,
            members.FirstOrDefault(m => m.Address == leader)?.Node,
            coordinator?.Address,
            coordinator?.Node,
            members);
    }
}
