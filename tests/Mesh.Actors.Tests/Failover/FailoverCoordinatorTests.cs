using Akka.Actor;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Messages;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Tests.Failover;

/// <summary>
/// The coordinator with fake resources (SPEC 6 rules 1, 3, 5, 6): a confirmed outage is failed over once, each
/// step exactly once and in order; failures are retried, never skipped; a decision not stored is aborted; a new
/// coordinator resumes an unfinished plan.
/// </summary>
public sealed partial class FailoverCoordinatorTests : TestKit
{
    private static readonly MeshOptions Options = new()
    {
        Regions = [new RegionOptions { Name = "nyc1", Kind = RegionKinds.Site }, new RegionOptions { Name = "ams3", Kind = RegionKinds.Site }, new RegionOptions { Name = "sfo3", Kind = RegionKinds.Witness }],
        InitialActiveRegion = "nyc1",
        Probes = new ProbeOptions { Interval = TimeSpan.FromMilliseconds(100), Fall = 3 },
        Targets =
        [
            new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db", Critical = true },
            new TargetOptions { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db", Critical = true },
        ],
        Failover = new FailoverOptions
        {
            ObservationMaxAge = TimeSpan.FromSeconds(5),
            Dns = new DnsOptions { Domain = "example.com", Records = [new DnsRecordOptions { Name = "shop" }], Values = new Dictionary<string, string> { ["nyc1"] = "192.0.2.1", ["ams3"] = "198.51.100.2" } },
        },
    };

    private static readonly string[] Plan = ["fence:nyc1", "grant-leases:ams3", "promote-postgres:pg-ams3", "switch-dns:shop"];

    private readonly FakeExecutor _executor = new();
    private readonly FakeDirectory _directory = new();

    private IActorRef Start(FakeStore? store, MeshOptions? options = null, IResourceSurvey? survey = null, bool observed = true)
    {
        var coordinator = Sys.ActorOf(FailoverCoordinator.Props(CoordinatorSettings.From(options ?? Options), store, _executor, _directory, null,
            new CoordinatorStatus("akka.tcp://test@127.0.0.1:1", "sfo3-w", "sfo3", DateTimeOffset.UtcNow), survey: survey));
        if (!observed) return coordinator;
        // One consistent observation of the primary and its standby: ams3 is ready, 100 bytes behind.
        coordinator.Tell(new TargetObserved("sfo3", "pg-nyc1", ProbeStatus.Healthy, null, DateTimeOffset.UtcNow, 1, 0, null,
            new ProbeFacts { Role = ServerRoles.Primary, WritePosition = 10_100, Timeline = 1 }));
        coordinator.Tell(new TargetObserved("sfo3", "pg-ams3", ProbeStatus.Healthy, null, DateTimeOffset.UtcNow, 1, 0, null,
            new ProbeFacts { Role = ServerRoles.Standby, ReceivePosition = 10_000, UpstreamStatus = "streaming", Timeline = 1 }));
        return coordinator;
    }

    private void Outage() => _directory.Votes = _ => [new RegionVerdict("nyc1", Verdicts.Down, ["pg-nyc1: unhealthy for 3 s"]), new RegionVerdict("ams3", Verdicts.Up, [])];

    private void Healthy() => _directory.Votes = _ => [new RegionVerdict("nyc1", Verdicts.Up, []), new RegionVerdict("ams3", Verdicts.Up, [])];

    private FailoverStatus Status(IActorRef coordinator) => coordinator.Ask<FailoverStatus>(GetFailoverStatus.Instance, TimeSpan.FromSeconds(3)).Result;

    private void AwaitStored(FakeStore store, Func<FailoverState, bool> condition) =>
        AwaitCondition(() => store.State is { } s && condition(s), TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));

    [Fact]
    public void A_confirmed_outage_is_failed_over_once_with_every_step_once_and_in_order()
    {
        var store = new FakeStore();
        Outage();
        var coordinator = Start(store);

        AwaitStored(store, s => s.Phase == Phases.Completed);

        Assert.Equal(Plan, _executor.Calls);
        var state = store.State!;
        Assert.Equal(("ams3", 1L, (Move?)null), (state.ActiveRegion, state.Epoch.Counter, state.Move));
        Assert.NotNull(state.CooldownUntil);
        var entry = Assert.Single(state.History);
        Assert.Equal((DecisionKinds.Failover, "nyc1", "ams3", FenceEvidence.Guards), (entry.Kind, entry.From, entry.To, entry.FencedBy));
        Assert.All(entry.Steps, s => Assert.Equal(StepStatuses.Ok, s.Status));
        Assert.Equal(Phases.Completed, Status(coordinator).Phase);
        // Every stored step of the move: the plan recorded each result before the next began.
        Assert.Equal(Plan.Length + 2, store.Writes.Count);   // decision, one write per step, completion
    }

    [Fact]
    public async Task The_status_says_completed_only_once_the_completion_is_stored_with_its_history()
    {
        var store = new FakeStore();
        store.HoldWritesWhere(s => s is { Move: null, Phase: Phases.Completed });
        Outage();
        var coordinator = Start(store);

        AwaitCondition(() => store.Holding, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));
        Assert.NotEqual(Phases.Completed, Status(coordinator).Phase);   // the last step is done, its record not yet stored

        store.Release();
        AwaitCondition(() => Status(coordinator).Phase == Phases.Completed, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
        var history = await coordinator.Ask<FailoverHistory>(GetFailoverHistory.Instance, TimeSpan.FromSeconds(3));
        var entry = Assert.Single(history.Entries);
        Assert.Equal(FenceEvidence.Guards, entry.FencedBy);
        Assert.All(entry.Steps, st => Assert.Equal(StepStatuses.Ok, st.Status));
    }

    [Fact]
    public void When_the_authoritative_name_servers_answered_is_added_to_the_history_after_the_plan()
    {
        var store = new FakeStore();
        _executor.NameServers = step => step == "switch-dns:shop" ? "ns1.example.net answered 198.51.100.2 for shop.example.com within 2.0 s of the switch" : null;
        Outage();
        Start(store);

        AwaitStored(store, s => s.Phase == Phases.Completed && s.History.Single().Steps.Any(x => x.Note is not null));

        var steps = store.State!.History.Single().Steps;
        Assert.Equal("ns1.example.net answered 198.51.100.2 for shop.example.com within 2.0 s of the switch", steps.Single(s => s.Name == "switch-dns:shop").Note);
        Assert.All(steps.Where(s => s.Name != "switch-dns:shop"), s => Assert.Null(s.Note));
        Assert.All(steps, s => Assert.Equal(StepStatuses.Ok, s.Status));
    }

    [Fact]
    public void A_new_coordinator_polls_every_member_at_once_not_an_interval_after_it_started()
    {
        Healthy();
        var slow = Options with { Probes = new ProbeOptions { Interval = TimeSpan.FromMinutes(5), Fall = 3 } };
        Start(new FakeStore(), slow);

        AwaitCondition(() => _directory.Polls == _directory.Members.Count, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void A_healthy_mesh_is_left_alone_and_shows_readiness()
    {
        var store = new FakeStore();
        Healthy();
        var coordinator = Start(store);

        AwaitAssert(() => Assert.Contains(Status(coordinator).Readiness, r => r is { Region: "ams3", Eligible: true, LagBytes: 100 }), TimeSpan.FromSeconds(5));

        Assert.Equal(Phases.Idle, Status(coordinator).Phase);
        Assert.Empty(_executor.Calls);
        Assert.Null(store.State);   // nothing decided, nothing written
    }

    [Fact]
    public void A_coordinator_started_after_the_primary_died_learns_the_lag_from_the_nodes_and_fails_over()
    {
        var store = new FakeStore();
        Outage();
        // Only the standby is seen from here on; the pair was assembled by the nodes' witnesses before the primary died.
        _directory.Pairs = m => m.Node == "ams3-a"
            ? new ReplicationPairs("ams3-a", [new ReplicationPair("ams3", "pg-ams3", "pg-nyc1", 250, true, TimeSpan.FromSeconds(2))], [new PrimarySighting("pg-nyc1", TimeSpan.FromSeconds(2))])
            : null;
        var coordinator = Sys.ActorOf(FailoverCoordinator.Props(CoordinatorSettings.From(Options), store, _executor, _directory, null,
            new CoordinatorStatus("akka.tcp://test@127.0.0.1:1", "sfo3-w", "sfo3", DateTimeOffset.UtcNow)));
        coordinator.Tell(new TargetObserved("sfo3", "pg-ams3", ProbeStatus.Healthy, null, DateTimeOffset.UtcNow, 1, 0, null,
            new ProbeFacts { Role = ServerRoles.Standby, ReceivePosition = 10_000, UpstreamStatus = "waiting", Timeline = 1 }));

        AwaitStored(store, s => s.Phase == Phases.Completed);

        Assert.Equal(Plan, _executor.Calls);
        Assert.Equal("ams3", store.State!.ActiveRegion);
    }

    [Fact]
    public void A_coordinator_started_after_the_primary_died_without_any_nodes_memory_blocks_on_unknown_lag()
    {
        var store = new FakeStore();
        Outage();
        var coordinator = Sys.ActorOf(FailoverCoordinator.Props(CoordinatorSettings.From(Options), store, _executor, _directory, null,
            new CoordinatorStatus("akka.tcp://test@127.0.0.1:1", "sfo3-w", "sfo3", DateTimeOffset.UtcNow)));
        coordinator.Tell(new TargetObserved("sfo3", "pg-ams3", ProbeStatus.Healthy, null, DateTimeOffset.UtcNow, 1, 0, null,
            new ProbeFacts { Role = ServerRoles.Standby, ReceivePosition = 10_000, UpstreamStatus = "waiting", Timeline = 1 }));

        AwaitAssert(() => Assert.Contains(Status(coordinator).BlockedReasons, r => r.Contains("pg-ams3: lag unknown", StringComparison.Ordinal)), TimeSpan.FromSeconds(5));
        Assert.Empty(_executor.Calls);
    }

    [Fact]
    public void A_failed_step_is_retried_and_nothing_after_it_runs_until_it_succeeds()
    {
        var store = new FakeStore();
        var fallback = _executor.Script;
        _executor.Script = (step, attempt) => step == "promote-postgres:pg-ams3" && attempt <= 2 ? StepOutcome.Failed("pg_promote: connection refused") : fallback(step, attempt);
        Outage();
        Start(store);

        AwaitStored(store, s => s.Phase == Phases.Completed);

        Assert.Equal(["fence:nyc1", "grant-leases:ams3", "promote-postgres:pg-ams3", "promote-postgres:pg-ams3", "promote-postgres:pg-ams3", "switch-dns:shop"], _executor.Calls);
        Assert.Contains(store.Writes, w => w.Move?.Steps.Any(s => s is { Name: "promote-postgres:pg-ams3", Status: StepStatuses.Failed, Error: "pg_promote: connection refused" }) == true);
    }

    [Fact]
    public void Without_fence_evidence_the_plan_stays_blocked_at_the_fence_and_never_promotes()
    {
        var store = new FakeStore();
        _executor.Script = (step, _) => step.StartsWith("fence:", StringComparison.Ordinal)
            ? new StepOutcome(true, null, new FenceFacts(false, [], null, false, null, false))
            : StepOutcome.Done;
        Outage();
        var coordinator = Start(store);

        AwaitCondition(() => _executor.Calls.Count(c => c == "fence:nyc1") >= 2, TimeSpan.FromSeconds(10));
        var status = Status(coordinator);

        Assert.Equal(Phases.Blocked, status.Phase);
        Assert.StartsWith("fence:nyc1: cannot prove nyc1's primary is fenced", Assert.Single(status.BlockedReasons), StringComparison.Ordinal);
        Assert.All(_executor.Calls, c => Assert.Equal("fence:nyc1", c));
        Assert.Equal("nyc1", store.State!.ActiveRegion);
    }

    [Fact]
    public void A_decision_that_no_majority_stored_is_superseded_by_an_abort_before_anything_runs()
    {
        var store = new FakeStore();
        store.FailNextWrites(1);
        Outage();
        Start(store);

        AwaitStored(store, _ => true);

        var first = store.Writes[0];
        Assert.Equal((DecisionKinds.Abort, 2L, Phases.Idle), (first.History[^1].Kind, first.Epoch.Counter, first.Phase));
        Assert.StartsWith("the decision of epoch 1 was not stored by a majority", first.History[^1].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(_executor.Calls, c => c.StartsWith("promote", StringComparison.Ordinal) && store.Writes.Count == 1);
        AwaitStored(store, s => s.Phase == Phases.Completed);   // the outage persists: a later decision, with a higher epoch, goes through
        Assert.Equal(3L, store.State!.Epoch.Counter);
    }

    private static FailoverState Interrupted(params (string Step, string Status)[] steps)
    {
        var epoch = new Epoch(5, "old-coordinator");
        var move = new Move(DecisionKinds.Failover, "nyc1", "ams3", epoch, DateTimeOffset.UtcNow, "nyc1 down", null, false, false,
            steps.Select(s => new StepRecord(s.Step, s.Status, null, null, null)).ToList());
        return FailoverState.Initial("nyc1") with { Epoch = epoch, Phase = PlanSteps.PhaseOf(move), Move = move, ActiveRegion = "ams3",
            History = [new HistoryRecord(epoch, DateTimeOffset.UtcNow, DecisionKinds.Failover, "nyc1", "ams3", "nyc1 down", null, [], move.Steps)] };
    }

    [Fact]
    public void A_new_coordinator_resumes_before_the_promotion_by_proving_the_fence_again()
    {
        var store = new FakeStore(Interrupted(("fence:nyc1", "ok"), ("grant-leases:ams3", "ok"), ("promote-postgres:pg-ams3", "pending"), ("switch-dns:shop", "pending")));
        Healthy();   // whatever the votes say now: the plan in progress is finished, not re-decided
        Start(store);

        AwaitStored(store, s => s.Phase == Phases.Completed);

        Assert.Equal(["fence:nyc1", "promote-postgres:pg-ams3", "switch-dns:shop"], _executor.Calls);
        Assert.Equal((5L, "ams3"), (store.State!.Epoch.Counter, store.State.ActiveRegion));
    }

    [Fact]
    public void A_new_coordinator_past_the_point_of_no_return_only_goes_forward()
    {
        var store = new FakeStore(Interrupted(("fence:nyc1", "ok"), ("grant-leases:ams3", "ok"), ("promote-postgres:pg-ams3", "failed"), ("switch-dns:shop", "pending")));
        Healthy();
        Start(store);

        AwaitStored(store, s => s.Phase == Phases.Completed);

        Assert.Equal(["promote-postgres:pg-ams3", "switch-dns:shop"], _executor.Calls);
    }

    [Fact]
    public void Dry_run_records_what_it_would_do_once_and_runs_nothing()
    {
        var store = new FakeStore();
        Outage();
        var coordinator = Start(store, Options with { Failover = Options.Failover with { Mode = FailoverModes.DryRun } });

        AwaitStored(store, s => s.History.Count > 0);
        AwaitCondition(() => _executor.Calls.IsEmpty && Status(coordinator).Phase == Phases.Idle, TimeSpan.FromSeconds(3));

        var entry = Assert.Single(store.State!.History);
        Assert.Equal((DecisionKinds.DryRun, "ams3", 0L), (entry.Kind, entry.To, store.State.Epoch.Counter));
        Assert.Equal(Plan, entry.Steps.Select(s => s.Name));
        Assert.Empty(_executor.Calls);
    }

    [Fact]
    public void Without_a_store_the_coordinator_observes_and_never_acts()
    {
        Outage();
        var coordinator = Start(store: null);

        // It sees what it would do (nyc1 down, ams3 ready) ...
        AwaitAssert(() => Assert.Contains(Status(coordinator).Readiness, r => r is { Region: "ams3", Eligible: true }), TimeSpan.FromSeconds(5));

        // ... and does none of it.
        var status = Status(coordinator);
        Assert.Equal(Phases.Blocked, status.Phase);
        Assert.Equal("this node has no failover state store: the coordinator observes and never acts", status.BlockedReasons[0]);
        Assert.Empty(_executor.Calls);
    }

    private CommandAnswer Command(IActorRef coordinator, object command) => coordinator.Ask<CommandAnswer>(command, TimeSpan.FromSeconds(5)).Result;

    private void AwaitLoaded(IActorRef coordinator) =>
        AwaitCondition(() => Command(coordinator, ResumeFailover.Instance).Status == 200, TimeSpan.FromSeconds(5));

    [Fact]
    public void Pause_holds_automatic_failover_and_resume_lets_it_go()
    {
        var store = new FakeStore();
        Healthy();
        var coordinator = Start(store);
        AwaitLoaded(coordinator);

        Assert.Equal(200, Command(coordinator, new PauseFailover("kernel upgrade")).Status);
        Assert.True(store.State!.Paused);
        Outage();
        AwaitAssert(() => Assert.Contains("paused: kernel upgrade", Status(coordinator).BlockedReasons), TimeSpan.FromSeconds(5));
        Assert.Empty(_executor.Calls);

        Assert.Equal(200, Command(coordinator, ResumeFailover.Instance).Status);
        AwaitStored(store, s => s.Phase == Phases.Completed);
        Assert.Equal(Plan, _executor.Calls);
    }

    [Fact]
    public void An_operator_failover_starts_the_plan_with_its_flags_recorded_and_answers_with_the_epoch()
    {
        var store = new FakeStore();
        _directory.Votes = _ => [new RegionVerdict("nyc1", Verdicts.Down, ["x"]), new RegionVerdict("ams3", Verdicts.Up, [])];
        var coordinator = Start(store, Options with { Failover = Options.Failover with { Mode = FailoverModes.Manual } });
        AwaitLoaded(coordinator);
        AwaitAssert(() => Assert.Contains("mode is manual", Status(coordinator).BlockedReasons.FirstOrDefault() ?? ""), TimeSpan.FromSeconds(5));

        var answer = Command(coordinator, new RequestFailover("ams3", AcceptDataLoss: false, AcceptSplitBrainRisk: true));

        Assert.Equal((202, (long?)1), (answer.Status, answer.Epoch));
        AwaitStored(store, s => s.Phase == Phases.Completed);
        var entry = store.State!.History.Single(h => h.Kind == DecisionKinds.Failover);
        Assert.Equal("operator failover to ams3, accepting the split-brain risk", entry.Reason);
        Assert.Equal(Plan, _executor.Calls);
    }

    [Fact]
    public void An_operator_request_that_is_unsafe_or_malformed_is_refused_with_reasons()
    {
        var store = new FakeStore();
        Healthy();
        var coordinator = Start(store);
        AwaitLoaded(coordinator);
        AwaitAssert(() => Assert.NotEmpty(Status(coordinator).Readiness), TimeSpan.FromSeconds(5));

        var up = Command(coordinator, new RequestFailover("ams3", false, false));
        var unknown = Command(coordinator, new RequestFailover("lon1", false, false));
        var switchover = Command(coordinator, new RequestSwitchover("nyc1", false));

        Assert.Equal(409, up.Status);
        Assert.Contains("nyc1 is voted up by ams3, nyc1, sfo3: use a switchover, which loses nothing", up.Reasons);
        Assert.Equal(400, unknown.Status);
        Assert.Equal(409, switchover.Status);
        Assert.Equal(["nyc1 is already the active region"], switchover.Reasons);
        Assert.Empty(_executor.Calls);
        Assert.Equal(0L, store.State?.Epoch.Counter ?? 0);
    }

    [Fact]
    public void Without_a_store_commands_are_refused_as_unavailable()
    {
        var coordinator = Start(store: null);

        var answer = Command(coordinator, new PauseFailover(null));

        Assert.Equal(503, answer.Status);
        Assert.Equal(["this node has no failover state store: the coordinator observes and never acts"], answer.Reasons);
    }
}
