using Akka.Actor;
using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>
/// Rule 13 during a move: a pause is accepted while a step runs and stored as soon as that step's result is; it
/// holds a move that has not fenced yet, and lets one past its fence finish.
/// </summary>
public sealed partial class FailoverCoordinatorTests
{
    private Task<CommandAnswer> Pause(IActorRef coordinator) => coordinator.Ask<CommandAnswer>(new PauseFailover("investigating"), TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_pause_during_the_fence_holds_the_move_before_it_fences_again_and_resume_lets_it_go()
    {
        var store = new FakeStore();
        var release = new TaskCompletionSource();
        _executor.Hold = step => step == "fence:nyc1" ? release.Task : Task.CompletedTask;
        var fallback = _executor.Script;
        _executor.Script = (step, attempt) => step == "fence:nyc1" && attempt == 1 ? StepOutcome.Failed("pg-nyc1: connection reset") : fallback(step, attempt);
        Outage();
        var coordinator = Start(store);
        AwaitCondition(() => _executor.Calls.Contains("fence:nyc1"), TimeSpan.FromSeconds(10));

        var paused = Pause(coordinator);
        release.SetResult();

        Assert.Equal(200, (await paused).Status);
        AwaitAssert(() => Assert.StartsWith("paused (investigating): the failover from nyc1 to ams3 waits before fencing nyc1", Status(coordinator).BlockedReasons.Single(), StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.Equal(["fence:nyc1"], _executor.Calls);   // the failed fence is not retried while paused
        Assert.True(store.State!.Paused);
        Assert.Equal(Phases.Blocked, Status(coordinator).Phase);

        Assert.Equal(200, Command(coordinator, ResumeFailover.Instance).Status);
        AwaitStored(store, s => s.Phase == Phases.Completed);
        Assert.Equal(["fence:nyc1", .. Plan], _executor.Calls);
    }

    [Fact]
    public async Task A_pause_after_the_fence_is_stored_and_the_move_goes_on_to_the_end()
    {
        var store = new FakeStore();
        var release = new TaskCompletionSource();
        _executor.Hold = step => step == "promote-postgres:pg-ams3" ? release.Task : Task.CompletedTask;
        Outage();
        var coordinator = Start(store);
        AwaitCondition(() => _executor.Calls.Contains("promote-postgres:pg-ams3"), TimeSpan.FromSeconds(10));

        var paused = Pause(coordinator);
        release.SetResult();

        Assert.Equal(200, (await paused).Status);
        AwaitStored(store, s => s.Phase == Phases.Completed);
        Assert.Equal(Plan, _executor.Calls);
        Assert.Equal((true, "ams3"), (store.State!.Paused, store.State.ActiveRegion));
    }
}
