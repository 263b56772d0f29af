using Akka.Actor;
using Mesh.Actors.Fencing;
using Mesh.Contracts.Fencing;

namespace Mesh.Cluster.Tests;

/// <summary>
/// Rule 4 across nodes: every node runs a lease grantor that answers from its own copy of the stored state. After
/// a first start that the resources agree with, the coordinator stores the initial state, and a guard of the active
/// region asking another region's node gets a grant; a guard of another region gets a refusal naming the active one.
/// </summary>
public sealed class LeaseGrantorHostingTests : IAsyncLifetime
{
    private readonly string _dataRoot = TestMesh.NewDataRoot();
    private IReadOnlyList<TestNode> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        TestMesh.DeleteDataRoot(_dataRoot);
    }

    [Fact]
    public async Task Every_node_grants_the_active_region_from_its_copy_of_the_stored_state()
    {
        _nodes = await TestMesh.StartAsync(throttled: false, _dataRoot, serializeMessages: false);
        var guard = _nodes.Single(n => n.Region == "nyc1");
        var grantor = _nodes.Single(n => n.Region == "ams3");
        var selection = guard.System.ActorSelection(new RootActorPath(grantor.Address) / "user" / LeaseGrantor.Name);

        ILeaseAnswer? answer = null;
        await TestMesh.AwaitAsync(async () => (answer = await AskAsync(selection, new LeaseRequest(1, guard.Name, "nyc1"))) is LeaseGrant,
            TimeSpan.FromSeconds(120), () => $"ams3's grantor grants nyc1's guard; last answer: {answer}");
        var refusal = await AskAsync(selection, new LeaseRequest(2, "ams3-a", "ams3"));

        var grant = Assert.IsType<LeaseGrant>(answer);
        Assert.Equal((1L, "ams3-a", "ams3", "nyc1"), (grant.RequestId, grant.Grantor, grant.GrantorRegion, grant.Region));
        var refused = Assert.IsType<LeaseRefusal>(refusal);
        Assert.Equal(("nyc1", "ams3"), (refused.ActiveRegion, refused.Region));

        // Beside the grantor, every node hosts the fencer of stray primaries (rule 5).
        foreach (var node in _nodes)
            Assert.NotNull(await node.System.ActorSelection("/user/" + StrayPrimaryFencer.Name).ResolveOne(TimeSpan.FromSeconds(3)));
    }

    private static async Task<ILeaseAnswer?> AskAsync(ActorSelection selection, LeaseRequest request)
    {
        try
        {
            return await selection.Ask<ILeaseAnswer>(request, TimeSpan.FromSeconds(3));
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
