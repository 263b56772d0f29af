using Akka.Actor;
using Mesh.Actors.Failover.Voting;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>The members the coordinator can poll: Up and reachable now, and how to reach each one's voter.</summary>
public interface IMeshDirectory
{
    IReadOnlyCollection<ReachableMember> Reachable();

    void Poll(ReachableMember member, PollVotes poll, IActorRef replyTo);
}
