using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>
/// Planned switchover through the coordinator (SPEC 6 rule 7): the failover plan under a new epoch, one move at a
/// time, and a switchover that cannot catch up abandoned with a recorded abort that lifts the old region's fence.
/// </summary>
public sealed partial class FailoverCoordinatorTests
{
    [Fact]
    public void A_switchover_runs_the_plan_once_under_a_new_epoch_and_sets_no_cooldown()
    {
        var store = new FakeStore();
        Healthy();
        var coordinator = Start(store);
        AwaitLoaded(coordinator);
        AwaitAssert(() => Assert.Contains(Status(coordinator).Readiness, r => r is { Region: "ams3", Eligible: true }), TimeSpan.FromSeconds(5));

        var answer = Command(coordinator, new RequestSwitchover("ams3", Force: false));

        Assert.Equal((202, (long?)1), (answer.Status, answer.Epoch));
        AwaitStored(store, s => s.Phase == Phases.Completed);
        Assert.Equal(Plan, _executor.Calls);
        Assert.All(_executor.Kinds, k => Assert.Equal(DecisionKinds.Switchover, k));
        var state = store.State!;
        Assert.Equal(("ams3", 1L, (DateTimeOffset?)null), (state.ActiveRegion, state.Epoch.Counter, state.CooldownUntil));
        var entry = Assert.Single(state.History);
        Assert.Equal((DecisionKinds.Switchover, "nyc1", "ams3", "operator switchover to ams3"), (entry.Kind, entry.From, entry.To, entry.Reason));
        Assert.All(entry.Steps, s => Assert.Equal(StepStatuses.Ok, s.Status));
    }

    [Fact]
    public void A_second_move_while_a_switchover_runs_gets_409_and_nothing_else_starts()
    {
        var store = new FakeStore();
        var release = new TaskCompletionSource();
        _executor.Hold = step => step == "promote-postgres:pg-ams3" ? release.Task : Task.CompletedTask;
        Healthy();
        var coordinator = Start(store);
        AwaitLoaded(coordinator);
        AwaitAssert(() => Assert.Contains(Status(coordinator).Readiness, r => r is { Region: "ams3", Eligible: true }), TimeSpan.FromSeconds(5));
        Assert.Equal(202, Command(coordinator, new RequestSwitchover("ams3", false)).Status);
        AwaitCondition(() => _executor.Calls.Contains("promote-postgres:pg-ams3"), TimeSpan.FromSeconds(5));

        // The coordinator is running a step: it answers from what it knows, and refuses every second move.
        var again = Command(coordinator, new RequestSwitchover("ams3", Force: true));
        var failover = Command(coordinator, new RequestFailover("ams3", true, true));
        release.SetResult();
        AwaitStored(store, s => s.Phase == Phases.Completed);

        Assert.Equal(409, again.Status);
        Assert.Equal(409, failover.Status);
        Assert.Equal(Plan, _executor.Calls);
        Assert.Single(store.State!.History);
    }

    [Fact]
    public void A_switchover_that_cannot_catch_up_is_abandoned_by_a_recorded_abort_that_unfences_the_old_region()
    {
        var store = new FakeStore();
        _executor.Script = (step, attempt) => step switch
        {
            "fence:nyc1" => new StepOutcome(false, "ams3 did not catch up within Switchover.CatchUpTimeout (60 s): pg-ams3 replayed 0/3000000, short of 0/3000100", AbortsMove: true),
            "unfence:nyc1" when attempt == 1 => StepOutcome.Failed("pg-nyc1: connection reset"),
            _ => StepOutcome.Done,
        };
        Healthy();
        var coordinator = Start(store);
        AwaitLoaded(coordinator);
        AwaitAssert(() => Assert.Contains(Status(coordinator).Readiness, r => r is { Region: "ams3", Eligible: true }), TimeSpan.FromSeconds(5));

        Assert.Equal(202, Command(coordinator, new RequestSwitchover("ams3", false)).Status);
        AwaitStored(store, s => s.Move is null && s.History.Count == 2);

        // Nothing past the fence ran; the unfence failed once and was retried, never given up.
        Assert.Equal(["fence:nyc1", "unfence:nyc1", "unfence:nyc1"], _executor.Calls);
        var state = store.State!;
        Assert.Equal(("nyc1", 2L, Phases.Idle), (state.ActiveRegion, state.Epoch.Counter, state.Phase));
        var (switchover, abort) = (state.History[0], state.History[1]);
        Assert.Equal(StepStatuses.Failed, switchover.Steps.Single(s => s.Name == "fence:nyc1").Status);
        Assert.All(switchover.Steps.Where(s => s.Name != "fence:nyc1"), s => Assert.Equal(StepStatuses.Pending, s.Status));
        Assert.Equal((DecisionKinds.Abort, "nyc1", "ams3"), (abort.Kind, abort.From, abort.To));
        Assert.StartsWith("the switchover from nyc1 to ams3 (epoch 1) is abandoned: ams3 did not catch up", abort.Reason, StringComparison.Ordinal);
        Assert.Equal(("unfence:nyc1", StepStatuses.Ok), (abort.Steps.Single().Name, abort.Steps.Single().Status));
        Assert.Equal(Phases.Idle, Status(coordinator).Phase);
    }
}
