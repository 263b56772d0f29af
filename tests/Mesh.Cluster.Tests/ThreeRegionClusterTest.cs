using Akka.Cluster;

namespace Mesh.Cluster.Tests;

/// <summary>A test against a fresh three-region cluster in this process, torn down afterwards.</summary>
public abstract class ThreeRegionClusterTest(bool throttled, IReadOnlyList<(string Node, string Region)>? nodes = null, bool serializeMessages = true) : IAsyncLifetime
{
    internal IReadOnlyList<TestNode> Nodes { get; private set; } = [];
    internal string DataRoot { get; } = TestMesh.NewDataRoot();

    public async Task InitializeAsync() => Nodes = await TestMesh.StartAsync(throttled, DataRoot, nodes, serializeMessages);

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        TestMesh.DeleteDataRoot(DataRoot);
    }

    internal Task AwaitAllUpAsync() =>
        TestMesh.AwaitAsync(
            () => Nodes.All(n => n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == Nodes.Count),
            TimeSpan.FromSeconds(30), "every node sees all members Up");

    /// <summary>
    /// Where each of <paramref name="nodes"/> finds the coordinator, once every one of them finds it.
    /// Allow for Akka's singleton manager now and then getting stuck in a hand-over right after
    /// membership changes (seen about once in ten runs: it restarts itself and the singleton starts
    /// where it belongs, tens of seconds later); the tests assert where it ends, not how fast.
    /// </summary>
    internal static async Task<string[]> AwaitCoordinatorsAsync(IReadOnlyList<TestNode> nodes, TimeSpan timeout)
    {
        string?[] found = [];
        await TestMesh.AwaitAsync(async () =>
        {
            found = (await Task.WhenAll(nodes.Select(n => n.CoordinatorAsync()))).Select(s => s?.Address).ToArray();
            return found.All(a => a is not null);
        }, timeout, () => $"every node's proxy reaches the coordinator\n{string.Join("\n", nodes.Select(n => n.Trail))}");
        return found.Select(a => a!).ToArray();
    }
}
