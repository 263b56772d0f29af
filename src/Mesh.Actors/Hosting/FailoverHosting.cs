using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Actors.Failover.Replication;
using Mesh.Actors.Failover.Voting;
using Mesh.Contracts.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Actors.Hosting;

/// <summary>
/// Failover: every node's replication witness, region voter, lease grantor, region guard and stray-primary fencer, and the coordinator singleton with the cluster's durable store
/// (or one from the services, for tests) and the plan executor from the services.
/// </summary>
public static class FailoverHosting
{
    public static AkkaConfigurationBuilder WithFailover(this AkkaConfigurationBuilder builder, MeshOptions options, IServiceProvider services)
    {
        var clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var settings = CoordinatorSettings.From(options);
        builder.WithSingleton<FailoverCoordinator>(FailoverCoordinator.Name,
            (system, _, _) => FailoverCoordinator.Props(settings,
                services.GetService<IFailoverStore>() ?? new DistributedFailoverStore(new FailoverStateStore(system)),
                services.GetRequiredService<IPlanExecutor>(),
                new ClusterDirectory(system), DistributedPubSub.Get(system).Mediator, clock: clock, survey: services.GetService<IResourceSurvey>()),
            new ClusterSingletonOptions(), createProxyToo: true);
        // After the singleton, so that its proxy is registered when the grantor asks for it.
        return builder.AddStartup((system, registry) =>
        {
            system.ActorOf(ReplicationWitness.Props(options.Node.Name!, options.Targets, options.Probes.Interval, DistributedPubSub.Get(system).Mediator, clock), ReplicationWitness.Name);
            system.ActorOf(RegionVoter.Props(options.Node.Name!, options.Node.Region!, VoteSettingsFactory.From(options), DistributedPubSub.Get(system).Mediator, clock), RegionVoter.Name);
            // Every node grants (rule 4): losing the coordinator's node never starves the active region's lease.
            registry.TryGet<FailoverCoordinator>(out var coordinator);
            system.ActorOf(LeaseGrantor.Props(options.Node.Name!, options.Node.Region!, new FailoverStateStore(system), coordinator, options.Failover.Lease.RenewInterval, clock), LeaseGrantor.Name);
            GuardHosting.StartGuard(system, options, services.GetRequiredService<IRegionFence>(), coordinator, clock);
            // Every node fences the stray primaries its region reaches (rule 5), whoever coordinates and whether paused or not.
            var state = new FailoverStateStore(system);
            system.ActorOf(StrayPrimaryFencer.Props(options, options.Node.Region!, state, services.GetRequiredService<IResourceActions>(), state,
                DistributedPubSub.Get(system).Mediator, clock), StrayPrimaryFencer.Name);
        });
    }
}
