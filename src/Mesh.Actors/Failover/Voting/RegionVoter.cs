using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Probes;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Failover.Voting;

/// <summary>
/// Every node's voter: keeps sightings of every target from its own region's vantage and, when the
/// coordinator polls, answers with its region's votes computed at that moment (SPEC 6 rule 2). It
/// never pushes votes: only answers to the coordinator's own polls count.
/// </summary>
public sealed class RegionVoter : ReceiveActor
{
    public const string Name = "region-voter";

    public RegionVoter(string node, string region, VoteSettings settings, IActorRef mediator, TimeProvider clock)
    {
        var sightings = new SightingTracker(clock);
        Receive<TargetObserved>(sightings.Observe);
        Receive<SubscribeAck>(_ => { });
        Receive<PollVotes>(poll => Sender.Tell(new VotesAnswer(poll.Nonce, node, region, RegionVote.Vote(settings, sightings.From(region)))));
        mediator.Tell(new Subscribe(ObservationStore.Topic, Self));
    }

    public static Props Props(string node, string region, VoteSettings settings, IActorRef mediator, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new RegionVoter(node, region, settings, mediator, clock ?? TimeProvider.System));
}
