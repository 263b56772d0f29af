using Akka.Hosting;
using Mesh.Actors.Actions;
using Mesh.Actors.DigitalOcean;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Actors.Fencing;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Actors.Hosting;

/// <summary>The services a mesh node needs and its actor system, in one call for the node and the tests.</summary>
public static class MeshServices
{
    /// <param name="more">Further wiring of the actor system (the node adds its shutdown hook).</param>
    public static IServiceCollection AddHealthMesh(this IServiceCollection services, MeshOptions options, IConfigEnvironment environment,
        MeshHostingOverrides? overrides = null, Action<AkkaConfigurationBuilder, IServiceProvider>? more = null)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton(environment);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ObservationStore>();
        services.TryAddSingleton<LoadBalancerStatuses>();
        services.TryAddSingleton<IProbeFactory, ProbeFactory>();
        services.AddDigitalOcean(options, environment);
        services.TryAddSingleton<IResourceActions, ResourceActions>();
        services.TryAddSingleton<IRegionFence, RegionFence>();
        services.TryAddSingleton(_ => NameServerCheck.ThroughThisHost());
        services.TryAddSingleton<IResourceSurvey>(sp => new ResourceSurvey(options, sp.GetRequiredService<IResourceActions>(), sp.GetService<IDnsSwitcher>()));
        services.TryAddSingleton<IPlanExecutor>(sp => new MeshPlanExecutor(options, sp.GetRequiredService<IResourceActions>(),
            sp.GetService<IDnsSwitcher>(), sp.GetService<DigitalOceanClient>(), sp.GetService<NameServerCheck>()));
        services.AddAkka(options.ClusterName, (builder, provider) =>
        {
            builder.AddHealthMesh(options, environment, overrides).WithProbes(options, provider).WithFailover(options, provider);
            more?.Invoke(builder, provider);
        });
        return services;
    }
}
