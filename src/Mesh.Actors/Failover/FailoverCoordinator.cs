using Akka.Actor;
using Akka.Cluster;
using Mesh.Actors.Hosting;
using Mesh.Contracts.Messages;

namespace Mesh.Actors.Failover;

/// <summary>
/// The cluster singleton that will decide and run failovers. For now it only tells where it runs;
/// the decision half arrives with the coordinator issue.
/// </summary>
public sealed class FailoverCoordinator : ReceiveActor
{
    public const string Name = "failover-coordinator";

    public FailoverCoordinator()
    {
        var cluster = Cluster.Get(Context.System);
        var self = cluster.SelfMember;
        var status = new CoordinatorStatus(cluster.SelfAddress.ToString(), ClusterRoles.NodeOf(self), ClusterRoles.RegionOf(self), DateTimeOffset.UtcNow);
        Receive<GetCoordinatorStatus>(_ => Sender.Tell(status));
    }
}
