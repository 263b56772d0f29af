using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Mesh.Actors.DigitalOcean;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// The cluster's one reader of load balancer statuses (a singleton): every 30 s at most it reads each
/// configured load balancer through the DigitalOcean API and publishes what it got, so that probes from
/// every region never multiply the API's request rate.
/// </summary>
public sealed class LoadBalancerStatusReader : ReceiveActor, IWithTimers
{
    public const string Name = "load-balancer-status-reader";
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);
    public ITimerScheduler Timers { get; set; } = null!;

    public LoadBalancerStatusReader(DigitalOceanClient client, IReadOnlyList<string> loadBalancerIds, IActorRef mediator, TimeSpan every)
    {
        ReceiveAsync<Read>(async _ =>
        {
            foreach (var id in loadBalancerIds)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                LoadBalancerObserved observed;
                try
                {
                    var lb = await client.GetLoadBalancerAsync(id, cts.Token);
                    observed = new LoadBalancerObserved(id, lb.Status, DateTimeOffset.UtcNow, null);
                }
                catch (Exception e) when (e is DigitalOceanApiException or HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
                {
                    observed = new LoadBalancerObserved(id, null, DateTimeOffset.UtcNow, ProbeErrors.Describe(e, TimeSpan.FromSeconds(10)));
                }
                mediator.Tell(new Publish(LoadBalancerObserved.Topic, observed));
            }
            // The next round is armed only when this one is done, so slow answers never bunch reads together.
            Timers.StartSingleTimer("read", Read.Instance, every);
        });
        if (loadBalancerIds.Count > 0) Self.Tell(Read.Instance);
    }

    public static Props Props(DigitalOceanClient client, IReadOnlyList<string> loadBalancerIds, IActorRef mediator, TimeSpan? every = null) =>
        Akka.Actor.Props.Create(() => new LoadBalancerStatusReader(client, loadBalancerIds, mediator, every ?? Every));

    private sealed record Read
    {
        public static readonly Read Instance = new();
    }
}
