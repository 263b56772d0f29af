using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using Akka.Remote.Transport;

namespace Mesh.Cluster.Tests;

/// <summary>A real partition, made with Akka.Remote's throttle transport adapter: the isolated region's links are blackholed both ways.</summary>
public sealed class PartitionTests : IAsyncLifetime
{
    private IReadOnlyList<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes = await TestMesh.StartAsync(throttled: true);

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
    }

    [Fact]
    public async Task An_isolated_region_is_downed_by_the_majority_downs_itself_and_the_coordinator_moves_to_the_majority()
    {
        await TestMesh.AwaitAsync(
            () => _nodes.All(n => n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 3),
            TimeSpan.FromSeconds(30), "every node sees three Up members");
        string? coordinator = null;
        await TestMesh.AwaitAsync(async () => (coordinator = (await _nodes[0].CoordinatorAsync())?.Address) is not null,
            TimeSpan.FromSeconds(30), "the coordinator runs");

        // Isolate the region that hosts the coordinator, so the singleton has to move.
        var isolated = _nodes.Single(n => n.Address.ToString() == coordinator);
        var majority = _nodes.Where(n => n != isolated).ToList();
        foreach (var other in majority)
        {
            Assert.True(await Cut(isolated, other));
            Assert.True(await Cut(other, isolated));
        }

        // The isolated node sees a majority unreachable, downs itself and shuts down its actor system.
        var terminated = await Task.WhenAny(isolated.System.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(isolated.System.WhenTerminated, terminated);

        // The majority removes it and keeps running with both remaining regions Up.
        await TestMesh.AwaitAsync(
            () => majority.All(n => n.Cluster.State.Members.All(m => m.Address != isolated.Address)
                                    && n.Cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 2),
            TimeSpan.FromSeconds(60), "the majority removes the isolated node");

        string?[] now = [];
        await TestMesh.AwaitAsync(async () =>
        {
            now = (await Task.WhenAll(majority.Select(n => n.CoordinatorAsync()))).Select(s => s?.Address).ToArray();
            return now.All(a => a is not null);
        }, TimeSpan.FromSeconds(60), "the coordinator restarts on the majority side");
        Assert.Single(now.Distinct());
        Assert.Contains(now[0], majority.Select(n => n.Address.ToString()));
    }

    private static Task<bool> Cut(TestNode from, TestNode to) =>
        ((IRemoteActorRefProvider)((ExtendedActorSystem)from.System).Provider).Transport
            .ManagementCommand(new SetThrottle(to.Address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance));
}
