using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Failover.Replication;

/// <summary>
/// Every node's memory of replication lag: the same observations the coordinator hears, paired the same way
/// (<see cref="ReplicationTracker"/>), so that a coordinator starting on this node or another after the active
/// primary died (its region lost with the old coordinator in it) still knows how far each standby was behind.
/// It only answers; it never judges.
/// </summary>
public sealed class ReplicationWitness : ReceiveActor
{
    public const string Name = "replication-witness";

    public ReplicationWitness(string node, IReadOnlyList<TargetOptions> targets, TimeSpan interval, IActorRef mediator, TimeProvider clock)
    {
        var started = clock.GetTimestamp();
        var tracker = new ReplicationTracker(targets, interval);
        Receive<TargetObserved>(o => tracker.Observe(o, clock.GetElapsedTime(started)));
        Receive<GetReplicationPairs>(_ => Sender.Tell(tracker.Export(node, clock.GetElapsedTime(started))));
        Receive<SubscribeAck>(_ => { });
        mediator.Tell(new Subscribe(ObservationStore.Topic, Self));
    }

    public static Props Props(string node, IReadOnlyList<TargetOptions> targets, TimeSpan interval, IActorRef mediator, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new ReplicationWitness(node, targets, interval, mediator, clock ?? TimeProvider.System));
}
