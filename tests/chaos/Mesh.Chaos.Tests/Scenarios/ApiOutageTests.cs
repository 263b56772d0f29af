using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (8): the active region killed, and the DigitalOcean API answering nothing but 429 and 500 for 20 s from
/// the moment the coordinator promotes, so the DNS switch meets the outage. The switch must wait it out and land
/// once: one record change, one promotion, the step done after the outage, nothing skipped.
/// </summary>
public sealed class ApiOutageTests() : ChaosScenario("api-outage")
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_20_s_storm_of_429_and_500_during_the_switch_is_waited_out_and_the_record_changes_once()
    {
        await ReadyAndWritingAsync();
        var faultAt = DateTimeOffset.UtcNow;
        await Shop.KillRegionAsync(ChaosShop.Active);

        FailoverStatus? status = null;
        await Eventually.UntilAsync(async () =>
        {
            status = await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover") ?? status;
            return status?.Phase is Phases.Promoting or Phases.SwitchingDns or Phases.Completed;
        }, TimeSpan.FromSeconds(120), () => $"the coordinator promotes; last phase {status?.Phase}; logs in {Shop.Root}", TimeSpan.FromMilliseconds(50));
        Assert.Equal(Phases.Promoting, status!.Phase);   // polled every 50 ms: the switch has not begun
        Shop.DigitalOcean.StandIn.FailFor(Outage, [429, 500], TimeSpan.FromSeconds(1));
        var outageAt = DateTimeOffset.UtcNow;
        var requestsBefore = Shop.DigitalOcean.StandIn.Requests;

        var recovered = await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(120));
        var switchedAfterOutage = DateTimeOffset.UtcNow - (outageAt + Outage);
        var refused = Shop.DigitalOcean.StandIn.Requests - requestsBefore;
        await Task.Delay(TimeSpan.FromSeconds(3));

        var outcome = await ChaosRun.FinishAsync(Shop, "(8) DigitalOcean API failing during the switch", ChaosShop.Standby,
            ("kill to DNS switched", recovered), ("outage end to DNS switched", switchedAfterOutage));
        var failover = Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover);
        var dns = Assert.Single(failover.Steps, s => s.Name.StartsWith("switch-dns:", StringComparison.Ordinal));
        var switchedAt = dns.At!.Value + TimeSpan.FromMilliseconds(dns.DurationMs ?? 0);
        Console.WriteLine($"chaos (8): {refused} API requests from the outage on; switch-dns {dns.Status} at {switchedAt:HH:mm:ss.fff} " +
                          $"(last attempt {dns.DurationMs} ms), the outage from {outageAt:HH:mm:ss.fff} for {Outage.TotalSeconds:0} s");
        Assert.Equal(StepStatuses.Ok, dns.Status);
        Assert.True(switchedAt >= outageAt + Outage, "the switch is recorded done inside the outage, when no API request could succeed");
        outcome.AssertFailedOverOnce();
        Shop.MarkPassed();
    }
}
