using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 6: the plan's steps, their order, and that a plan never skips ahead.</summary>
public sealed class PlanStepsTests
{
    private static readonly MeshOptions Options = new()
    {
        Targets =
        [
            new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db" },
            new TargetOptions { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db" },
            new TargetOptions { Id = "orders-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "orders" },
            new TargetOptions { Id = "redis-ams3", Kind = TargetKinds.Redis, Region = "ams3", Group = "cache" },
            new TargetOptions { Id = "app-ams3", Kind = TargetKinds.Http, Region = "ams3" },
        ],
        Failover = new FailoverOptions { Dns = new DnsOptions { Domain = "example.com", Records = [new DnsRecordOptions { Name = "shop" }, new DnsRecordOptions { Name = "@" }] } },
    };

    private static Move MoveWith(params (string Step, string Status)[] steps) =>
        new("failover", "nyc1", "ams3", new Epoch(3, "c1"), DateTimeOffset.UnixEpoch, "r", null, false, false,
            steps.Select(s => new StepRecord(s.Step, s.Status, null, null, null)).ToList());

    [Fact]
    public void A_move_fences_grants_promotes_every_group_then_switches_every_record() =>
        Assert.Equal(
            ["fence:nyc1", "grant-leases:ams3", "promote-postgres:pg-ams3", "promote-postgres:orders-ams3", "promote-redis:redis-ams3", "switch-dns:shop", "switch-dns:@"],
            PlanSteps.For(Options, "nyc1", "ams3"));

    [Fact]
    public void The_next_step_is_the_first_not_done_however_often_it_failed_so_nothing_is_skipped()
    {
        var move = MoveWith(("fence:nyc1", "ok"), ("grant-leases:ams3", "ok"), ("promote-postgres:pg-ams3", "failed"), ("switch-dns:shop", "pending"));

        Assert.Equal("promote-postgres:pg-ams3", PlanSteps.Next(move)!.Name);
        Assert.Equal(Phases.Promoting, PlanSteps.PhaseOf(move));
        Assert.True(PlanSteps.PastPointOfNoReturn(move));
    }

    [Theory]
    [InlineData("pending", "pending", "pending", Phases.Fencing, false)]
    [InlineData("ok", "pending", "pending", Phases.Promoting, false)]
    [InlineData("ok", "ok", "pending", Phases.SwitchingDns, true)]
    [InlineData("ok", "ok", "ok", Phases.Completed, true)]
    public void The_phase_follows_the_steps(string fence, string promote, string dns, string phase, bool pastNoReturn)
    {
        var move = MoveWith(("fence:nyc1", fence), ("grant-leases:ams3", fence), ("promote-postgres:pg-ams3", promote), ("switch-dns:shop", dns));

        Assert.Equal((phase, pastNoReturn), (PlanSteps.PhaseOf(move), PlanSteps.PastPointOfNoReturn(move)));
    }

    [Fact]
    public void Recording_an_outcome_changes_that_step_only()
    {
        var move = MoveWith(("fence:nyc1", "pending"), ("switch-dns:shop", "pending"));

        var after = PlanSteps.Record(move, new StepRecord("fence:nyc1", StepStatuses.Ok, DateTimeOffset.UnixEpoch, 120, null));

        Assert.Equal(["ok", "pending"], after.Steps.Select(s => s.Status));
        Assert.Equal(120, after.Steps[0].DurationMs);
    }
}
