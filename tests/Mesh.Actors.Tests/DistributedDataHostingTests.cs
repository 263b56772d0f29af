using Akka.Configuration;
using Mesh.Actors.DurableData;
using Mesh.Actors.Hosting;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Tests;

public sealed class DistributedDataHostingTests
{
    [Fact]
    public void The_failover_state_key_is_durable_in_the_nodes_data_folder_through_the_file_store()
    {
        // Quotes, backslashes and spaces must survive HOCON.
        const string dataDir = "/var/lib/health \"mesh\"\\node a";
        var options = new MeshOptions { Node = new NodeOptions { DataDir = dataDir } };

        var config = ConfigurationFactory.ParseString(DistributedDataHosting.Hocon(options)).GetConfig("akka.cluster.distributed-data.durable");

        Assert.Equal(["failover-state*"], config.GetStringList("keys"));
        Assert.Equal(typeof(FileDurableStore), Type.GetType(config.GetString("store-actor-class")));
        Assert.Equal(Path.Combine(dataDir, "ddata"), config.GetString(FileDurableStore.DirectorySetting));
    }

    [Fact]
    public void Without_a_data_folder_the_node_refuses_to_start_and_says_why()
    {
        var e = Assert.Throws<ArgumentException>(() => DistributedDataHosting.Hocon(new MeshOptions()));
        Assert.Contains("Node:DataDir is required", e.Message, StringComparison.Ordinal);
    }
}
