using System.Text.Json;

namespace Mesh.Node.Tests;

/// <summary>
/// The runtime settings the node ships with (src/Mesh.Node/NodeRuntime.props), read from the
/// health-mesh.runtimeconfig.json that is deployed next to the executable: the probe benchmark's
/// numbers hold only for these.
/// </summary>
public sealed class NodeRuntimeTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "health-mesh.runtimeconfig.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void Idle_thread_pool_workers_do_not_spin()
    {
        Assert.Equal(0, ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    [Fact]
    public void The_node_runs_server_GC()
    {
        Assert.True(ConfigProperties().GetProperty("System.GC.Server").GetBoolean());
    }
}
