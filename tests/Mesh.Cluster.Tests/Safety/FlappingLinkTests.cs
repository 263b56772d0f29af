using Mesh.Contracts.Failover;
using static Mesh.Cluster.Tests.Safety.SafetyChecks;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// SPEC 6 rules 5, 7 and 12 with nyc1's links to both other regions cut and mended again and again: the mesh may
/// fail over once (a cut lasts long enough to decide on), but never twice and never back to nyc1, and never
/// promotes before nyc1 is fenced.
/// </summary>
public sealed class FlappingLinkTests : IAsyncLifetime
{
    private const int Cycles = 4;
    private static readonly TimeSpan CutFor = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan HealedFor = TimeSpan.FromSeconds(3);
    private SafetyMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await SafetyMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task A_flapping_link_fails_over_at_most_once_and_never_back()
    {
        await AwaitGuardedAsync(_mesh);
        var nyc1 = _mesh.In("nyc1").ToList();
        var others = _mesh.Nodes.Where(n => n.Region != "nyc1").ToList();

        // The flapping itself: these delays are the scenario, not waits for an outcome.
        for (var i = 0; i < Cycles; i++)
        {
            await _mesh.CutAsync(nyc1, others);
            await Task.Delay(CutFor);
            await _mesh.HealAsync(nyc1, others);
            await Task.Delay(HealedFor);
        }
        // Watch for QuietWindow after the last heal: long enough for a move in progress to finish and for another one
        // (a second failover, or one back to nyc1) to be decided, were either going to happen.
        await Task.Delay(QuietWindow);

        var history = await HistoryAsync(_mesh);
        var status = await StatusAsync(_mesh);
        var why = Describe(_mesh, history, status);
        var moves = Moves(history);
        Assert.True(moves.Count(m => m.Kind == DecisionKinds.Failover) <= 1, $"at most one failover\n{why}");
        Assert.True(moves.All(m => m.To != "nyc1"), $"no move back to nyc1\n{why}");
        if (moves.Count == 0)
        {
            Assert.True(status.ActiveRegion == "nyc1", $"without a failover nyc1 stays active\n{why}");
            Assert.True(NoLastingFence(_mesh, "nyc1"), $"without a failover no fence of nyc1 lasts\n{why}");
            return;
        }

        var failover = Assert.Single(moves);
        await TestMesh.AwaitAsync(async () => (status = await StatusAsync(_mesh)) is { Phase: Phases.Completed, ActiveRegion: "ams3" }, TimeSpan.FromSeconds(60),
            () => $"the one failover completes to ams3\n{Describe(_mesh, history, status)}");
        Assert.True(failover.FencedBy is not null, $"the failover names its fence evidence\n{why}");
        var promotion = _mesh.Steps("grant-leases:").MinBy(e => e.At);
        var fence = _mesh.Timeline.Events.Where(e => e.Region == "nyc1" && (e.What == "fence" || e.What == "fence:nyc1")).MinBy(e => e.At);
        Assert.True(promotion is not null && fence is not null && fence.At < promotion.At, $"nyc1 is fenced before ams3's promotion begins\n{why}");
    }
}
