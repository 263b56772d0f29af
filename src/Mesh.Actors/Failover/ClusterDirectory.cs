using Akka.Actor;
using Akka.Cluster;
using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Fencing;
using Mesh.Actors.Hosting;
using Mesh.Contracts.Fencing;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>The cluster's Up, reachable members and their voters, as this node sees them now.</summary>
public sealed class ClusterDirectory(ActorSystem system) : IMeshDirectory, ILeasePeers
{
    private readonly Cluster _cluster = Cluster.Get(system);

    public IReadOnlyCollection<ReachableMember> Reachable()
    {
        var state = _cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        return state.Members
            .Where(m => m.Status == MemberStatus.Up && !unreachable.Contains(m.UniqueAddress))
            .Select(m => (Member: m, Node: ClusterRoles.NodeOf(m), Region: ClusterRoles.RegionOf(m)))
            .Where(x => x.Node is not null && x.Region is not null)
            .Select(x => new ReachableMember(x.Node!, x.Region!, x.Member.Address.ToString()))
            .ToList();
    }

    public IReadOnlyCollection<ReachableMember> Members() =>
        _cluster.State.Members
            .Where(m => m.Status != MemberStatus.Removed)
            .Select(m => (Member: m, Node: ClusterRoles.NodeOf(m), Region: ClusterRoles.RegionOf(m)))
            .Where(x => x.Node is not null && x.Region is not null)
            .Select(x => new ReachableMember(x.Node!, x.Region!, x.Member.Address.ToString()))
            .ToList();

    public void Poll(ReachableMember member, PollVotes poll, IActorRef replyTo) =>
        system.ActorSelection($"{member.Address}/user/{RegionVoter.Name}").Tell(poll, replyTo);

    public void AskReplicationPairs(ReachableMember member, IActorRef replyTo) =>
        system.ActorSelection($"{member.Address}/user/{Replication.ReplicationWitness.Name}").Tell(GetReplicationPairs.Instance, replyTo);

    public void Request(ReachableMember member, LeaseRequest request, IActorRef replyTo) =>
        system.ActorSelection($"{member.Address}/user/{LeaseGrantor.Name}").Tell(request, replyTo);
}
