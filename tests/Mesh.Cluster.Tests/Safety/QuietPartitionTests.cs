using static Mesh.Cluster.Tests.Safety.SafetyChecks;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// SPEC 6 rules 4, 5 and 12 with a region other than the active one cut off whole (one node per region): it downs
/// itself, the active region keeps its lease from the two regions left, and nothing moves or is fenced.
/// </summary>
public sealed class QuietPartitionTests : IAsyncLifetime
{
    private SafetyMesh? _started;

    private SafetyMesh _mesh => _started!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_started is not null) await _started.DisposeAsync();
    }

    /// <summary>
    /// A mesh whose node in <paramref name="last"/> joins after the others are Up, so it is the youngest and never hosts
    /// the coordinator: the scenario is about the lease, and a downed oldest node now and then leaves Akka's singleton
    /// hand-over stalled for minutes (its own issue).
    /// </summary>
    private async Task StartWithLastAsync(string? last)
    {
        var layout = TestMesh.Layout.Select(l => (l.Node, l.Region)).OrderBy(l => l.Region == last).ToList();
        _started = await SafetyMesh.StartAsync(layout, startLast: last is not null);
    }

    [Fact]
    public Task The_standby_site_cut_off_moves_nothing_and_fences_nothing() => CutOffAndQuietAsync("ams3");

    [Fact]
    public Task The_witness_cut_off_moves_nothing_and_fences_nothing() => CutOffAndQuietAsync("sfo3");

    private async Task CutOffAndQuietAsync(string region)
    {
        await StartWithLastAsync(region);
        var before = await AwaitGuardedAsync(_mesh);
        var cutOff = _mesh.In(region).ToList();

        await _mesh.IsolateAsync(region);

        // Rule 12: an isolated region downs itself.
        await TestMesh.AwaitAsync(() => cutOff.All(n => !Running(n)), TimeSpan.FromSeconds(60), () => $"{region} downs itself\n{_mesh.Timeline}");
        // Nothing is supposed to happen from here on: watch for QuietWindow, long enough for nyc1's lease to lapse and
        // be counted expired, and for a failover to be decided, were either going to happen.
        await Task.Delay(QuietWindow);

        var status = await AwaitGuardedAsync(_mesh, TimeSpan.FromSeconds(30));
        var history = await HistoryAsync(_mesh);
        var why = Describe(_mesh, history, status);
        Assert.True(Moves(history).Count == 0, $"no failover or switchover is recorded\n{why}");
        Assert.True(status.ActiveRegion == "nyc1" && status.Epoch == before.Epoch, $"nyc1 stays active under epoch {before.Epoch}\n{why}");
        // No guard fenced (a guard whose lease lapses fences), and no plan step ran: nyc1 held its lease all along.
        Assert.True(_mesh.Timeline.Events.Count == 0, $"nothing is fenced and no plan step runs\n{why}");
        Assert.True(status.LeaseHolders.SequenceEqual(["nyc1-a"]), $"nyc1-a holds the lease\n{why}");
    }
}
