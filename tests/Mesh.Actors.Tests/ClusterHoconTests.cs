using Akka.Configuration;
using Mesh.Actors.Hosting;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Tests;

public sealed class ClusterHoconTests
{
    [Fact]
    public void The_split_brain_resolver_and_failure_detector_follow_the_options()
    {
        var options = new MeshOptions
        {
            Cluster = new ClusterTimingOptions
            {
                StableAfter = TimeSpan.FromSeconds(7), HeartbeatInterval = TimeSpan.FromMilliseconds(700), AcceptableHeartbeatPause = TimeSpan.FromSeconds(4),
            },
        };

        var config = ConfigurationFactory.ParseString(ClusterHocon.From(options, ["region:nyc1", "node:nyc1-a", "site"]));

        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromMilliseconds(700), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromSeconds(4), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(["region:nyc1", "node:nyc1-a", "site"], config.GetStringList("akka.cluster.roles"));
        Assert.True(config.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down"));
    }
}
