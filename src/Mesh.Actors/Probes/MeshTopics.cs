using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>Publishes probe observations to the cluster: what the region views and the coordinator subscribe to.</summary>
public sealed class ObservationPublisher : ReceiveActor
{
    public ObservationPublisher(IActorRef mediator)
    {
        Receive<TargetObserved>(o => mediator.Tell(new Publish(ObservationStore.Topic, o)));
    }

    public static Props Props(IActorRef mediator) => Akka.Actor.Props.Create(() => new ObservationPublisher(mediator));
}

/// <summary>Keeps this node's <see cref="ObservationStore"/> and <see cref="LoadBalancerStatuses"/> current from their topics.</summary>
public sealed class MeshTopicsSubscriber : ReceiveActor
{
    public MeshTopicsSubscriber(IActorRef mediator, ObservationStore observations, LoadBalancerStatuses loadBalancers)
    {
        mediator.Tell(new Subscribe(ObservationStore.Topic, Self));
        mediator.Tell(new Subscribe(LoadBalancerObserved.Topic, Self));
        Receive<SubscribeAck>(_ => { });
        Receive<TargetObserved>(observations.Update);
        Receive<LoadBalancerObserved>(loadBalancers.Update);
    }

    public static Props Props(IActorRef mediator, ObservationStore observations, LoadBalancerStatuses loadBalancers) =>
        Akka.Actor.Props.Create(() => new MeshTopicsSubscriber(mediator, observations, loadBalancers));
}
