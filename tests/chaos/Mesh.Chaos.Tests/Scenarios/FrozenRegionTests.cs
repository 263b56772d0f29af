using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (13): nyc1 cut off and both its mesh nodes frozen (SIGSTOP) at the same moment for twice the lease
/// Duration, so its guards cannot fence on time. The majority must fail over once without ever leaving two
/// primaries taking writes (the lease alone would not do: a frozen guard fences only when it wakes, which is why the
/// lab, like the README's recommended set-up, powers the old region's droplets off), and the nodes waking up must
/// change nothing.
/// </summary>
public sealed class FrozenRegionTests() : ChaosScenario("frozen")
{
    private static readonly TimeSpan Freeze = 2 * new LeaseOptions().Duration;

    [Fact]
    public async Task Nodes_frozen_during_an_isolation_for_twice_the_lease_fail_over_once_and_never_with_two_primaries()
    {
        await ReadyAndWritingAsync();
        var frozen = Shop.Mesh.Processes.Where(p => ChaosMesh.Region(p.Key) == ChaosShop.Active).Select(p => p.Value).ToList();

        var faultAt = DateTimeOffset.UtcNow;
        await Shop.Lab.IsolateAsync(ChaosShop.Active);
        foreach (var node in frozen) await node.FreezeAsync();
        await Task.Delay(Freeze);
        foreach (var node in frozen) await node.ThawAsync();
        var thawedAt = DateTimeOffset.UtcNow;

        var recovered = await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(120));
        await Task.Delay(ChaosRun.QuietWindow / 2);   // the thawed nodes find themselves downed and cut off; nothing may follow

        var outcome = await ChaosRun.FinishAsync(Shop, "(13) active region's nodes frozen during an isolation", ChaosShop.Standby,
            ("cut to DNS switched", recovered));
        var failover = Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover);
        Console.WriteLine($"chaos (13): frozen {Freeze.TotalSeconds:0} s, thawed {(thawedAt - faultAt).TotalSeconds:0.0} s after the cut; fenced by {failover.FencedBy}");
        outcome.AssertFailedOverOnce();
        // The frozen guards could not fence when their lease ran out; what stopped nyc1's primary was the power-off.
        Assert.Equal(FenceEvidence.PowerOff, failover.FencedBy);
        Assert.False(await Shop.TakesWritesAsync(ChaosShop.Active), "nyc1's PostgreSQL takes writes after the failover");
        Shop.MarkPassed();
    }
}
