using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Failover;
using Mesh.Actors.Hosting;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Cluster.Tests;

/// <summary>One mesh node in this process: a host wired by the production AddHealthMesh, on a loopback port.</summary>
internal sealed class TestNode(string name, string region, IHost host, SingletonTrail trail) : IAsyncDisposable
{
    /// <summary>This node's recent singleton and membership log lines, for a failure message.</summary>
    public string Trail => trail.Dump(Name);

    public string Name { get; } = name;
    public string Region { get; } = region;
    public IHost Host { get; } = host;
    public ActorSystem System => Host.Services.GetRequiredService<ActorSystem>();
    public Akka.Cluster.Cluster Cluster => Akka.Cluster.Cluster.Get(System);
    public Address Address => Cluster.SelfAddress;

    /// <summary>Asks this node's coordinator proxy where the singleton runs; null while nobody answers.</summary>
    public async Task<CoordinatorStatus?> CoordinatorAsync()
    {
        try
        {
            var proxy = Host.Services.GetRequiredService<ActorRegistry>().Get<FailoverCoordinator>();
            return await proxy.Ask<CoordinatorStatus>(GetCoordinatorStatus.Instance, TimeSpan.FromSeconds(1));
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>Asks the coordinator (through this node's proxy) and returns its answer, or null while nobody answers.</summary>
    public async Task<T?> AskCoordinatorAsync<T>(object message) where T : class
    {
        try
        {
            var proxy = Host.Services.GetRequiredService<ActorRegistry>().Get<FailoverCoordinator>();
            return await proxy.Ask<T>(message, TimeSpan.FromSeconds(5));
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    /// <summary>Drops everything this node sends to <paramref name="other"/>, and what it receives from it (Akka.Remote's throttle adapter).</summary>
    public Task<bool> BlackholeAsync(TestNode other) =>
        ((Akka.Remote.IRemoteActorRefProvider)((ExtendedActorSystem)System).Provider).Transport
            .ManagementCommand(new Akka.Remote.Transport.SetThrottle(other.Address, Akka.Remote.Transport.ThrottleTransportAdapter.Direction.Both,
                Akka.Remote.Transport.Blackhole.Instance));

    /// <param name="services">Services registered before the mesh's own (which are only added when missing), e.g. a fake plan executor.</param>
    public static async Task<TestNode> StartAsync(MeshOptions options, MeshHostingOverrides overrides, IProbeFactory probes, Action<IServiceCollection>? services = null)
    {
        var trail = new SingletonTrail();
        var host = new HostBuilder()
            .ConfigureServices(s =>
            {
                s.AddLogging(l =>
                {
                    l.AddProvider(trail);
                    if (Environment.GetEnvironmentVariable("MESH_TEST_LOGS") == "1") l.AddSimpleConsole(o => o.SingleLine = true);
                }).AddSingleton(probes);
                services?.Invoke(s);
                s.AddHealthMesh(options, SystemConfigEnvironment.Instance, overrides);
            })
            .Build();
        await host.StartAsync();
        return new TestNode(options.Node.Name!, options.Node.Region!, host, trail);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
        }
        Host.Dispose();
    }
}
