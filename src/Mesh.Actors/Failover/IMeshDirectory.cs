using Akka.Actor;
using Mesh.Actors.Failover.Voting;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>The members the coordinator can poll: Up and reachable now, and how to reach each one's voter.</summary>
public interface IMeshDirectory
{
    IReadOnlyCollection<ReachableMember> Reachable();

    /// <summary>Every member the cluster has not removed, reachable or not, Up or not (evidence (c) waits for each).</summary>
    IReadOnlyCollection<ReachableMember> Members() => Reachable();

    void Poll(ReachableMember member, PollVotes poll, IActorRef replyTo);

    /// <summary>Asks the member's replication witness what lag it remembers; the answer (<see cref="ReplicationPairs"/>) goes to <paramref name="replyTo"/>.</summary>
    void AskReplicationPairs(ReachableMember member, IActorRef replyTo) { }
}
