using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// SPEC 6 rules 4, 5 (c) and 12 with a whole region cut off (throttle adapter, both ways, its resources with it).
/// </summary>
public sealed class RegionIsolationTests : IAsyncLifetime
{
    private SafetyMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await SafetyMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task The_active_region_cut_off_fences_itself_before_the_majority_promotes_and_fails_over_once()
    {
        var witness = _mesh.In("sfo3").Single();
        await AwaitGuardedAsync(witness);

        await _mesh.IsolateAsync("nyc1");

        FailoverStatus? status = null;
        await TestMesh.AwaitAsync(async () => (status = await witness.AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance)) is { Phase: Phases.Completed },
            TimeSpan.FromSeconds(120), () => $"the majority fails over to ams3; last status: {status?.Phase} {string.Join("; ", status?.BlockedReasons ?? [])}\n{_mesh.Timeline}");
        var history = await witness.AskCoordinatorAsync<FailoverHistory>(GetFailoverHistory.Instance);

        var guardFence = _mesh.Fences("nyc1").Where(e => e.Node == "nyc1-a").OrderBy(e => e.At).First();
        var promotion = _mesh.Steps("grant-leases:").OrderBy(e => e.At).First();
        Assert.True(guardFence.At < promotion.At, $"nyc1's guard fenced at {guardFence.At}, after the promotion began at {promotion.At}\n{_mesh.Timeline}");
        Assert.Equal("ams3", status!.ActiveRegion);
        var failover = Assert.Single(history!.Entries, h => h.Kind == DecisionKinds.Failover);
        Assert.True(failover.FencedBy == FenceEvidence.LeaseExpired,
            $"fenced by {failover.FencedBy ?? "null"}; steps: {string.Join(", ", failover.Steps.Select(st => $"{st.Name} {st.Status} {st.Error}"))}\n{_mesh.Timeline}");
        Assert.Empty(_mesh.Fences("ams3"));
    }

    private static Task AwaitGuardedAsync(TestNode node) =>
        TestMesh.AwaitAsync(async () => await node.AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance) is { Guarded: true },
            TimeSpan.FromSeconds(60), "nyc1 is guarded");
}
