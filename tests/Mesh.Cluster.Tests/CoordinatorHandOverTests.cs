using System.Collections.Concurrent;
using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Cluster.Tests;

/// <summary>
/// SPEC 6 rules 1 and 6 across nodes: nyc1's app server is down, so the coordinator fails over to ams3; its node
/// leaves in the middle of the plan; the coordinator that takes over on another node resumes the stored plan,
/// proves the fence again (no promotion may have begun), finishes it under the same epoch, and decides nothing new.
/// </summary>
public sealed class CoordinatorHandOverTests : IAsyncLifetime
{
    private readonly string _dataRoot = TestMesh.NewDataRoot();
    private readonly ConcurrentQueue<(string Node, string Step, long Epoch)> _steps = new();
    private int _blocked;
    private IReadOnlyList<TestNode> _nodes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        TestMesh.DeleteDataRoot(_dataRoot);
    }

    /// <summary>Records every step; the very first grant-leases step never finishes (its node is about to leave).</summary>
    private sealed class GatedExecutor(string node, CoordinatorHandOverTests test) : IPlanExecutor
    {
        public async Task<StepOutcome> RunAsync(Move move, string step, CancellationToken cancellationToken)
        {
            test._steps.Enqueue((node, step, move.Epoch.Counter));
            if (step.StartsWith("grant-leases:", StringComparison.Ordinal) && Interlocked.Exchange(ref test._blocked, 1) == 0)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            return step.StartsWith("fence:", StringComparison.Ordinal)
                ? new StepOutcome(true, null, new Mesh.Actors.Failover.Policy.FenceFacts(true, [], null, false, null, false))
                : StepOutcome.Done;
        }
    }

    [Fact]
    public async Task A_coordinator_that_takes_over_mid_plan_finishes_it_once_under_the_same_epoch()
    {
        _nodes = await TestMesh.StartAsync(throttled: false, _dataRoot, serializeMessages: false,
            probes: new ScriptedProbes(id => id == "app-nyc1"),
            services: (name, s) => s.AddSingleton<IPlanExecutor>(new GatedExecutor(name, this)));
        await StateMesh.StartedAsync(_nodes);

        await TestMesh.AwaitAsync(() => _steps.Any(s => s.Step == "grant-leases:ams3"), TimeSpan.FromSeconds(120), "the first coordinator reaches grant-leases");
        var first = _steps.First().Node;
        var leaving = _nodes.Single(n => n.Name == first);
        await leaving.DisposeAsync();
        _nodes = _nodes.Where(n => n != leaving).ToList();

        FailoverStatus? status = null;
        await TestMesh.AwaitAsync(async () => (status = await _nodes[0].AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance)) is { Phase: Phases.Completed },
            TimeSpan.FromSeconds(120), () => $"the new coordinator completes the plan; last status: {(status is null ? "no coordinator answered" : $"{status.Phase} {string.Join("; ", status.BlockedReasons)}")}; " +
                $"steps: {string.Join(", ", _steps.Select(x => $"{x.Node} {x.Step}"))}");

        Assert.Equal(("ams3", 1L), (status!.ActiveRegion, status.Epoch));
        var byFirst = _steps.Where(s => s.Node == first).Select(s => s.Step).ToList();
        var byNext = _steps.Where(s => s.Node != first).Select(s => s.Step).ToList();
        Assert.Equal(["fence:nyc1", "grant-leases:ams3"], byFirst);
        Assert.Equal(["fence:nyc1", "grant-leases:ams3"], byNext);   // the fence proved again, each step once
        Assert.All(_steps, s => Assert.Equal(1L, s.Epoch));
        Assert.Single(_steps.Select(s => s.Node).Where(n => n != first).Distinct());
    }
}
