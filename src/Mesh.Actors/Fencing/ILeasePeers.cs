using Akka.Actor;
using Mesh.Actors.Failover.Voting;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Fencing;

/// <summary>The members a guard asks for grants: Up and reachable from its node now, and how to reach each one's grantor.</summary>
public interface ILeasePeers
{
    IReadOnlyCollection<ReachableMember> Reachable();

    void Request(ReachableMember member, LeaseRequest request, IActorRef replyTo);
}
