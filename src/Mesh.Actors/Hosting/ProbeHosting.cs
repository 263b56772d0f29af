using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Mesh.Actors.DigitalOcean;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Actors.Hosting;

/// <summary>
/// Probing from every region: one sharding type per vantage region (hosted by that region's nodes,
/// proxied everywhere else), a director that keeps this node's region's probes running, the topics
/// that carry observations and load balancer statuses, and the one load balancer reader.
/// </summary>
public static class ProbeHosting
{
    public static AkkaConfigurationBuilder WithProbes(this AkkaConfigurationBuilder builder, MeshOptions options, IServiceProvider services)
    {
        var factory = services.GetRequiredService<IProbeFactory>();
        var store = services.GetRequiredService<ObservationStore>();
        var loadBalancers = services.GetRequiredService<LoadBalancerStatuses>();
        var clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var targets = options.Targets.Where(t => t.Id is not null).ToDictionary(t => t.Id!, StringComparer.Ordinal);
        var ownRegion = options.Node.Region!;

        builder.WithDistributedPubSub(null!);
        builder.AddStartup(async (system, registry) =>
        {
            var mediator = DistributedPubSub.Get(system).Mediator;
            var publisher = system.ActorOf(ObservationPublisher.Props(mediator), "observation-publisher");
            system.ActorOf(MeshTopicsSubscriber.Props(mediator, store, loadBalancers), "topics-subscriber");

            var sharding = ClusterSharding.Get(system);
            foreach (var region in options.Regions.Select(r => r.Name!))
            {
                var settings = ClusterShardingSettings.Create(system).WithRole(ClusterRoles.Region(region)).WithRememberEntities(false);
                await sharding.StartAsync(ProbeShards.TypeName(region),
                    entityId => targets.TryGetValue(entityId, out var target)
                        ? ProbeActor.Props(region, target, ProbeSettings.For(target, options.Probes), factory, publisher, clock)
                        : UnknownTarget.Props,
                    settings, new ProbeMessageExtractor());
            }
            var ownShards = sharding.ShardRegion(ProbeShards.TypeName(ownRegion));
            system.ActorOf(ProbeDirector.Props(ownShards, targets.Keys.ToList(), DirectorInterval(options)), "probe-director");
        });

        var loadBalancerIds = options.Targets.Where(t => t.Kind == TargetKinds.LoadBalancer).Select(t => t.LoadBalancerId!).Distinct().ToList();
        if (loadBalancerIds.Count > 0 && services.GetService<DigitalOceanClient>() is { } client)
        {
            builder.WithSingleton<LoadBalancerStatusReader>(LoadBalancerStatusReader.Name,
                (system, _, _) => LoadBalancerStatusReader.Props(client, loadBalancerIds, DistributedPubSub.Get(system).Mediator),
                new ClusterSingletonOptions(), createProxyToo: false);
        }
        return builder;
    }

    // Often enough that a region's probes restart soon after a node dies; StartEntity for a running entity costs nothing.
    private static TimeSpan DirectorInterval(MeshOptions options) => options.Probes.Interval * 2;

    /// <summary>The entity for an id that is not a configured target (a stale message): it stops at once.</summary>
    private sealed class UnknownTarget : ReceiveActor
    {
        public static readonly Props Props = Akka.Actor.Props.Create<UnknownTarget>();
        protected override void PreStart() => Context.Stop(Self);
    }
}
