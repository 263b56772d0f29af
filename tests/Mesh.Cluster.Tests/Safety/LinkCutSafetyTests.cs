using Mesh.Actors.Hosting.Downing;
using static Mesh.Cluster.Tests.Safety.SafetyChecks;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// SPEC 6 rule 12's promise with the lease and the coordinator running (one node per region): one inter-region link
/// cut both ways while the third region reaches both ends downs exactly one end, never nyc1, and the active region
/// stays writable (no fence of nyc1 that lasts) with no failover.
/// </summary>
public sealed class LinkCutSafetyTests : IAsyncLifetime
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

    // {nyc1, sfo3} and {ams3, sfo3} both span two regions; the one that holds the active region is kept.
    [Fact]
    public Task A_cut_between_nyc1_and_ams3_downs_ams3_and_nyc1_stays_writable() => CutAsync("nyc1", "ams3", "ams3");

    // {nyc1, ams3} and {ams3, sfo3}: the same, the witness goes.
    [Fact]
    public Task A_cut_between_nyc1_and_sfo3_downs_sfo3_and_nyc1_stays_writable() => CutAsync("nyc1", "sfo3", "sfo3");

    // {nyc1, ams3} and {nyc1, sfo3} both hold nyc1 and have two members: member order decides which end goes.
    [Fact]
    public Task A_cut_between_ams3_and_sfo3_downs_one_end_and_nyc1_stays_writable() => CutAsync("ams3", "sfo3", null);

    /// <param name="downs">The region the rule downs, when the active region decides it (null: member order does).</param>
    private async Task CutAsync(string one, string other, string? downs)
    {
        await StartWithLastAsync(downs);
        var before = await AwaitGuardedAsync(_mesh);
        var a = _mesh.In(one).Single();
        var b = _mesh.In(other).Single();
        var members = _mesh.Nodes.Select(n => new DowningMember(Id(n), n.Region, Counted: true)).ToList();
        var expected = RegionAwareDowning.Decide(new DowningView(members, [new UnreachableObservation(Id(a), Id(b)), new UnreachableObservation(Id(b), Id(a))],
            ["nyc1", "ams3", "sfo3"], "nyc1"));
        var downed = _mesh.Nodes.Single(n => Id(n) == Assert.Single(expected.Down));
        if (downs is not null) Assert.Equal(downs, downed.Region);
        Assert.NotEqual("nyc1", downed.Region);
        var kept = _mesh.Nodes.Where(n => n != downed).ToList();

        await _mesh.CutAsync([a], [b]);

        await TestMesh.AwaitAsync(() => !Running(downed), TimeSpan.FromSeconds(60), () => $"{downed.Name} is downed\n{_mesh.Timeline}");
        // Nothing else is supposed to happen: watch for QuietWindow, long enough for nyc1's lease to lapse, for a
        // self-fence to be lifted, and for a failover to be decided and counted, were any going to happen.
        await Task.Delay(QuietWindow);

        var status = await AwaitGuardedAsync(_mesh, TimeSpan.FromSeconds(30));
        var history = await HistoryAsync(_mesh);
        var why = Describe(_mesh, history, status);
        Assert.True(kept.All(Running), $"only {downed.Name} is downed; {string.Join(", ", kept.Where(n => !Running(n)).Select(n => n.Name))} went too\n{why}");
        Assert.True(Moves(history).Count == 0, $"no failover or switchover is recorded\n{why}");
        Assert.True(status.ActiveRegion == "nyc1", $"nyc1 stays active\n{why}");
        Assert.True(NoLastingFence(_mesh, "nyc1"), $"no fence of nyc1 lasts: none, or an unfence step after the last\n{why}");
        Assert.True(_mesh.Fences(downed.Region).Count == 0, $"{downed.Region} is not fenced\n{why}");
        if (_mesh.Fences("nyc1").Count == 0) Assert.True(status.Epoch == before.Epoch, $"without a fence to lift, the epoch stays {before.Epoch}\n{why}");
    }

    private static string Id(TestNode node) => DowningMemberId.Of(node.Cluster.SelfUniqueAddress);
}
