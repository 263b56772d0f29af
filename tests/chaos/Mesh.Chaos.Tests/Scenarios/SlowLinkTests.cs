using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Delay: the active region's links slowed past the probes' timeout. Every other region sees nyc1's servers time out
/// and votes it down, while nyc1's own members, reachable and seeing their servers answer at once, vote it up:
/// rule 3 ("no reachable member of A votes A up") must keep the shop where it is.
/// </summary>
public sealed class SlowLinkTests() : ChaosScenario("slow-link")
{
    /// <summary>One way, so a round trip across nyc1's links takes 1 s: more than the probes' 800 ms timeout.</summary>
    private static readonly TimeSpan NycDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>One way between ams3 and sfo3: a long ocean crossing, well within every timeout.</summary>
    private static readonly TimeSpan OceanDelay = TimeSpan.FromMilliseconds(70);

    [Fact]
    public async Task Links_to_the_active_region_slower_than_the_probe_timeout_move_nothing()
    {
        await ReadyAndWritingAsync();

        foreach (var other in new[] { ChaosShop.Standby, ChaosShop.Witness })
        {
            await Shop.Lab.DelayAsync(ChaosShop.Active, other, NycDelay);
            await Shop.Lab.DelayAsync(other, ChaosShop.Active, NycDelay);
        }
        await Shop.Lab.DelayAsync(ChaosShop.Standby, ChaosShop.Witness, OceanDelay);
        await Shop.Lab.DelayAsync(ChaosShop.Witness, ChaosShop.Standby, OceanDelay);

        // The delay is felt: the other regions vote nyc1 down, nyc1 votes itself up, and the coordinator says why it waits.
        await Eventually.UntilAsync(async () =>
            await Shop.AskAnyAsync<List<RegionView>>(null, "api/v1/regions") is { } regions
            && regions.Single(r => r.Name == ChaosShop.Active).Verdicts is var seen
            && seen.Any(v => v is { Vantage: ChaosShop.Standby, Verdict: Verdicts.Down }) && seen.Any(v => v is { Vantage: ChaosShop.Witness, Verdict: Verdicts.Down })
            && seen.Any(v => v is { Vantage: ChaosShop.Active, Verdict: Verdicts.Up }),
            TimeSpan.FromSeconds(60), $"ams3 and sfo3 vote nyc1 down and nyc1 votes itself up; logs in {Shop.Root}");
        var status = await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover");
        Assert.Equal(Phases.Blocked, status?.Phase);
        Assert.Contains(status!.BlockedReasons, r => r.Contains("reports itself healthy", StringComparison.Ordinal));

        await ChaosRun.AssertNothingMovedAsync(Shop, "(17) links to nyc1 delayed 500 ms each way (ams3-sfo3 70 ms)");
        Shop.MarkPassed();
    }
}
