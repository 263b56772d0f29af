using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Actors.Failover.Replication;
using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Hosting.Singleton;
using Mesh.Contracts.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Actors.Hosting;

/// <summary>
/// Failover: every node's replication witness, region voter, lease grantor, region guard and stray-primary fencer, and the coordinator singleton with the cluster's durable store
/// (or one from the services, for tests) and the plan executor from the services.
/// </summary>
public static class FailoverHosting
{
    /// <summary>Beyond the removal margin, what a normal hand-over may take (the manager's hand-over retries, 1 s apart).</summary>
    private static readonly TimeSpan KeeperMargin = TimeSpan.FromSeconds(20);

    public static AkkaConfigurationBuilder WithFailover(this AkkaConfigurationBuilder builder, MeshOptions options, IServiceProvider services)
    {
        var clock = services.GetService<TimeProvider>() ?? TimeProvider.System;
        var settings = CoordinatorSettings.From(options);
        // The manager is kept by a SingletonKeeper (not Akka.Hosting's WithSingleton), which restarts it should it
        // stop hosting the coordinator for good; the proxy is Akka.Hosting's, registered for the grantor below.
        builder.WithSingletonProxy<FailoverCoordinator>(FailoverCoordinator.Name, new ClusterSingletonOptions());
        return builder.AddStartup((system, registry) =>
        {
            var coordinatorProps = FailoverCoordinator.Props(settings,
                services.GetService<IFailoverStore>() ?? new DistributedFailoverStore(new FailoverStateStore(system)),
                services.GetRequiredService<IPlanExecutor>(),
                new ClusterDirectory(system), DistributedPubSub.Get(system).Mediator, clock: clock, survey: services.GetService<IResourceSurvey>());
            system.ActorOf(SingletonKeeper.Props(FailoverCoordinator.Name, FailoverCoordinator.Name, coordinatorProps,
                stuckAfter: Akka.Cluster.Cluster.Get(system).DowningProvider.DownRemovalMargin + KeeperMargin, checkEvery: TimeSpan.FromSeconds(1)), "coordinator-keeper");
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
