using Mesh.Chaos.Tests.Lab;
using Mesh.Contracts.Api;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (7): the coordinator's node killed (SIGKILL) in the middle of a failover, which its successor must finish
/// once; and killed every 30 s for 5 minutes with no fault elsewhere, each time started again, which must move
/// nothing and never leave nyc1 fenced for good.
/// </summary>
public sealed class CoordinatorKillTests() : ChaosScenario("coordinator-kill")
{
    [Fact]
    public async Task The_coordinator_killed_in_the_middle_of_a_failover_is_succeeded_by_one_that_finishes_it_once()
    {
        // The failover's cause is nyc1's database crashing, so every region keeps mesh nodes and losing one more
        // (the coordinator's) leaves a majority of members and regions, whichever node it ran on.
        await ReadyAndWritingAsync();
        var faultAt = DateTimeOffset.UtcNow;
        await Shop.Servers.Processes[$"pg-{ChaosShop.Active}"].KillAsync();

        string? host = null;
        FailoverStatus? status = null;
        await Eventually.UntilAsync(async () =>
        {
            var cluster = await Shop.AskAnyAsync<ClusterView>(null, "api/v1/cluster");
            status = await Shop.AskAnyAsync<FailoverStatus>(null, "api/v1/failover") ?? status;
            host = cluster?.CoordinatorNode;
            return host is not null && status?.Phase is Phases.Fencing or Phases.Promoting;
        }, TimeSpan.FromSeconds(120), () => $"the coordinator is fencing or promoting; last {host} {status?.Phase}; logs in {Shop.Root}", TimeSpan.FromMilliseconds(50));
        var killedIn = status!.Phase;
        await Shop.Mesh.Processes[host!].KillAsync();

        var recovered = await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(180));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var outcome = await ChaosRun.FinishAsync(Shop, "(7) coordinator killed in the middle of a failover", ChaosShop.Standby, ("database crash to DNS switched", recovered));
        var after = await Shop.AskAnyAsync<ClusterView>(null, "api/v1/cluster");
        Console.WriteLine($"chaos (7): coordinator {host} killed while {killedIn}; finished by {after?.CoordinatorNode}");
        Assert.NotEqual(host, after?.CoordinatorNode);
        Assert.Single(outcome.History, h => h.Kind == DecisionKinds.Failover);
        outcome.AssertFailedOverOnce();
        Shop.MarkPassed();
    }

    [Fact]
    public async Task The_coordinator_killed_every_30_s_for_5_minutes_moves_nothing()
    {
        await ReadyAndWritingAsync();
        var kills = new List<string>();
        var until = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5);
        while (DateTimeOffset.UtcNow < until)
        {
            var round = DateTimeOffset.UtcNow;
            string? host = null;
            await Eventually.UntilAsync(async () =>
            {
                host = (await Shop.AskAnyAsync<ClusterView>(null, "api/v1/cluster"))?.CoordinatorNode;
                return host is not null;
            }, TimeSpan.FromSeconds(60), () => $"a coordinator runs after {kills.Count} kills; logs in {Shop.Root}");
            await Shop.Mesh.Processes[host!].KillAsync();
            kills.Add(host!);
            await Shop.Mesh.RestartAsync(host!);   // the machine comes back; its node joins again as a new incarnation
            var rest = TimeSpan.FromSeconds(30) - (DateTimeOffset.UtcNow - round);
            if (rest > TimeSpan.Zero) await Task.Delay(rest);
        }
        Console.WriteLine($"chaos (7): {kills.Count} coordinator kills: {string.Join(", ", kills)}");

        await ChaosRun.AssertNothingMovedAsync(Shop, $"(7) coordinator killed every 30 s for 5 minutes ({kills.Count} kills)");
        Assert.True(kills.Count >= 10, $"only {kills.Count} kills in 5 minutes");
        Shop.MarkPassed();
    }
}
