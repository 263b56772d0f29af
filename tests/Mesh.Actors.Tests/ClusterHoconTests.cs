using Akka.Configuration;
using Akka.Actor;
using Mesh.Actors.Hosting;
using Mesh.Actors.Hosting.Downing;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Tests;

public sealed class ClusterHoconTests
{
    [Fact]
    public void The_downing_provider_and_failure_detector_follow_the_options()
    {
        var options = new MeshOptions
        {
            Cluster = new ClusterTimingOptions
            {
                StableAfter = TimeSpan.FromSeconds(7), HeartbeatInterval = TimeSpan.FromMilliseconds(700), AcceptableHeartbeatPause = TimeSpan.FromSeconds(4),
            },
        };

        var config = ConfigurationFactory.ParseString(ClusterHocon.From(options, ["region:nyc1", "node:nyc1-a", "site"]));

        Assert.Equal(RegionAwareDowningProvider.ClassName, config.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromMilliseconds(700), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromSeconds(4), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(["region:nyc1", "node:nyc1-a", "site"], config.GetStringList("akka.cluster.roles"));
        Assert.True(config.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down"));
        // A restarted first seed must be heard before it gives up and joins itself (ProcessClusterTests shows it rejoining).
        Assert.True(config.GetTimeSpan("akka.remote.retry-gate-closed-for") * 5 <= config.GetTimeSpan("akka.cluster.seed-node-timeout"));
    }

    [Fact]
    public void The_cluster_runs_the_region_aware_downing_provider_with_the_configured_regions()
    {
        var options = new MeshOptions
        {
            Regions = [new RegionOptions { Name = "nyc1", Kind = "site" }, new RegionOptions { Name = "ams3", Kind = "site" }, new RegionOptions { Name = "sfo3", Kind = "witness" }],
            Cluster = new ClusterTimingOptions { StableAfter = TimeSpan.FromSeconds(3) },
            InitialActiveRegion = "nyc1",
        };
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """).WithFallback(ConfigurationFactory.ParseString(ClusterHocon.From(options, ["region:nyc1", "node:nyc1-a", "site"])));

        using var system = ActorSystem.Create("downing-provider", config);

        var provider = Assert.IsType<RegionAwareDowningProvider>(Akka.Cluster.Cluster.Get(system).DowningProvider);
        Assert.Equal(TimeSpan.FromSeconds(3), provider.DownRemovalMargin);
        var settings = RegionAwareDowningSettings.From(system.Settings.Config);
        Assert.Equal(["nyc1", "ams3", "sfo3"], settings.Regions);
        Assert.Equal("nyc1", settings.InitialActiveRegion);
    }
}
