using Akka.Cluster;
using Mesh.Actors.Failover;

namespace Mesh.Cluster.Tests;

/// <summary>Helpers for the stored-state tests: stores on a node, and waiting until every replicator counts every node.</summary>
internal static class StateMesh
{
    /// <summary>Tests keep to keys of their own: the live coordinator of each test node owns the default key.</summary>
    public const string TestKey = "failover-state-test";

    public static FailoverStateStore Store(TestNode node, TimeSpan? timeout = null, string key = TestKey) =>
        new(node.System, timeout ?? TimeSpan.FromSeconds(3), new FailoverStateKey(key));

    /// <summary>
    /// A majority is counted over the members a replicator has seen Up; right after formation one may
    /// still count fewer, and its "majority" would be too small. Tests write only once all count all.
    /// </summary>
    public static Task AwaitReplicasAsync(IReadOnlyList<TestNode> nodes) =>
        TestMesh.AwaitAsync(async () =>
        {
            var counts = await Task.WhenAll(nodes.Select(n => Store(n).ReplicaCountAsync()));
            return counts.All(c => c == nodes.Count);
        }, TimeSpan.FromSeconds(30), "every replicator counts every node");

    public static async Task StartedAsync(IReadOnlyList<TestNode> nodes)
    {
        await TestMesh.AwaitAsync(
            () => nodes.All(n => n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == nodes.Count),
            TimeSpan.FromSeconds(30), "every node sees all members Up");
        await AwaitReplicasAsync(nodes);
    }
}

/// <summary>One three-region mesh shared by the tests of a class that do not break it (each uses its own key).</summary>
public sealed class SharedStateMesh : IAsyncLifetime
{
    private readonly string _dataRoot = TestMesh.NewDataRoot();
    internal IReadOnlyList<TestNode> Nodes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Nodes = await TestMesh.StartAsync(throttled: false, _dataRoot, serializeMessages: false);
        await StateMesh.StartedAsync(Nodes);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes) await node.DisposeAsync();
        TestMesh.DeleteDataRoot(_dataRoot);
    }
}
