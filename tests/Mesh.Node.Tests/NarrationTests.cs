using Mesh.Contracts.Api;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;
using Mesh.Node.Demo;

namespace Mesh.Node.Tests;

/// <summary>The demo's narration: one line per change between two polls, and nothing for a part that did not answer.</summary>
public sealed class NarrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static MemberView Member(string node, string status = "Up", bool reachable = true) =>
        new($"akka.tcp://health-mesh@127.0.0.1:{node.Length}{node[^1]}", node, node[..4], status, reachable, []);

    private static ClusterView Cluster(string coordinator, params MemberView[] members) =>
        new(new SelfView("self", "sfo3-w", "sfo3", "Up"), null, null, null, coordinator, members);

    private static RegionView Nyc1(params (string Vantage, string Verdict)[] votes) =>
        new("nyc1", RegionKinds.Site, true, [.. votes.Select(v => new VantageVerdict(v.Vantage, v.Verdict, T0, v.Verdict == Verdicts.Up ? [] : ["pg-nyc1: unhealthy for 3.0 s"]))]);

    private static FailoverStatus Status(string phase, string active = "nyc1", long epoch = 0, bool guarded = true, params string[] blocked) =>
        new(FailoverModes.Automatic, false, active, epoch, phase, blocked, null, null, guarded, guarded ? [$"{active}-a"] : [], []);

    private static HistoryView Move(params StepRecord[] steps) =>
        new(1, T0, DecisionKinds.Failover, "nyc1", "ams3", "nyc1 voted down by ams3, sfo3", FenceEvidence.PowerOff, [], steps);

    private static MeshSnapshot Snapshot(ClusterView? cluster = null, RegionView? nyc1 = null, FailoverStatus? status = null, HistoryView? move = null, string? dns = "192.0.2.10") =>
        new(T0, cluster, nyc1 is null ? null : [nyc1], status, move, dns);

    [Fact]
    public void An_unchanged_mesh_says_nothing()
    {
        var s = Snapshot(Cluster("sfo3-w", Member("nyc1-a"), Member("sfo3-w")), Nyc1(("ams3", Verdicts.Up)), Status(Phases.Idle));

        Assert.Empty(Narration.Changes(s, s with { At = T0.AddSeconds(1) }));
    }

    [Fact]
    public void A_region_dying_is_told_as_membership_votes_lease_phase_decision_steps_and_dns()
    {
        var before = Snapshot(Cluster("nyc1-a", Member("nyc1-a"), Member("sfo3-w")), Nyc1(("ams3", Verdicts.Up), ("sfo3", Verdicts.Up)), Status(Phases.Idle));
        var after = Snapshot(Cluster("sfo3-w", Member("nyc1-a", "Down", reachable: false), Member("sfo3-w")), Nyc1(("ams3", Verdicts.Down), ("sfo3", Verdicts.Down)),
            Status(Phases.Completed, active: "ams3", epoch: 1, guarded: true),
            Move(new StepRecord("fence:nyc1", StepStatuses.Ok, T0, 3100, null), new StepRecord("promote-postgres:pg-ams3", StepStatuses.Pending, null, null, null)),
            dns: "198.51.100.20");

        var lines = Narration.Changes(before, after);

        Assert.Equal(
        [
            "cluster: nyc1-a unreachable",
            "cluster: nyc1-a Up -> Down",
            "cluster: the coordinator runs on sfo3-w (was nyc1-a)",
            "votes on nyc1: ams3=down sfo3=down (ams3: pg-nyc1: unhealthy for 3.0 s; sfo3: pg-nyc1: unhealthy for 3.0 s)",
            "lease: ams3 guarded, holders [ams3-a]",
            "phase: completed",
            "active region: nyc1 -> ams3 (epoch 1)",
            "decision: epoch 1 failover nyc1 -> ams3: nyc1 voted down by ams3, sfo3",
            "fence evidence: power-off",
            "step fence:nyc1: ok in 3.100 s",
            "dns: www.shop.test A 192.0.2.10 -> 198.51.100.20 (read back from the DigitalOcean API)",
        ], lines);
    }

    [Fact]
    public void A_step_is_told_once_when_it_finishes_and_again_only_when_it_changes()
    {
        var pending = Snapshot(move: Move(new StepRecord("fence:nyc1", StepStatuses.Pending, null, null, null)));
        var failed = Snapshot(move: Move(new StepRecord("fence:nyc1", StepStatuses.Failed, T0, 500, "power-off refused: 500")));
        var ok = Snapshot(move: Move(new StepRecord("fence:nyc1", StepStatuses.Ok, T0, 900, null)));

        Assert.Equal(["step fence:nyc1: failed in 0.500 s: power-off refused: 500"], Narration.Changes(pending, failed));
        Assert.Empty(Narration.Changes(failed, failed));
        Assert.Equal(["step fence:nyc1: ok in 0.900 s"], Narration.Changes(failed, ok));
    }

    [Fact]
    public void A_part_that_did_not_answer_is_not_a_change()
    {
        var answered = Snapshot(Cluster("sfo3-w", Member("nyc1-a")), Nyc1(("ams3", Verdicts.Up)), Status(Phases.Idle));
        var silent = Snapshot(dns: null);

        Assert.Empty(Narration.Changes(answered, silent));
        Assert.Empty(Narration.Changes(silent, answered));
    }
}
