using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 11 (and spec-review F5): the stored state and InitialActiveRegion are believed only when the resources agree.</summary>
public sealed class ReconciliationTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 4, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cooldown = TimeSpan.FromMinutes(15);
    private static Epoch E(long n) => new(n, "c");

    private static PostgresFinding Primary(string region, long? epoch = null) => new($"pg-{region}", region, true, false, false, epoch is { } e ? E(e) : null, 1);
    private static PostgresFinding Fenced(string region, long epoch) => new($"pg-{region}", region, true, false, true, E(epoch), 1);
    private static PostgresFinding Standby(string region, long? epoch = null) => new($"pg-{region}", region, true, true, false, epoch is { } e ? E(e) : null, 1);
    private static PostgresFinding Silent(string region) => new($"pg-{region}", region, false, false, false, null, null, "connection refused");
    private static DnsFinding Dns(string? region, long? epoch = null) =>
        new("www", region is null ? "203.0.113.9" : $"value-of-{region}", region, epoch is { } e ? E(e) : null, epoch is null ? null : region ?? "nyc1");

    private static ResourceFindings Found(params object[] findings) =>
        new(findings.OfType<PostgresFinding>().ToList(), findings.OfType<DnsFinding>().ToList());

    private static FailoverState Stored(string active, long epoch) => FailoverState.Initial(active) with { Epoch = E(epoch), Phase = Phases.Completed,
        History = [new HistoryRecord(E(epoch), Now.AddDays(-1), DecisionKinds.Failover, "nyc1", active, "r", null, [], [])] };

    private static Move MoveTo(string to, long epoch, DateTimeOffset startedAt, bool promoted) =>
        new(DecisionKinds.Failover, "nyc1", to, E(epoch), startedAt, "r", null, false, false,
            [new StepRecord("fence:nyc1", StepStatuses.Ok, startedAt, 10, null), new StepRecord("grant-leases:ams3", StepStatuses.Ok, startedAt, 1, null),
             new StepRecord("promote-postgres:pg-ams3", promoted ? StepStatuses.Ok : StepStatuses.Pending, null, null, null), new StepRecord("switch-dns:www", StepStatuses.Pending, null, null, null)]);

    public static TheoryData<string, FailoverState?, ResourceFindings, string?> Agreeing => new()
    {
        { "first start: nyc1's primary answers, ams3 follows, DNS points at nyc1", null, Found(Primary("nyc1"), Standby("ams3"), Dns("nyc1")), "nyc1" },
        { "first start: the record does not exist yet", null, Found(Primary("nyc1"), Standby("ams3"), new DnsFinding("www", null, null, null, null)), "nyc1" },
        { "the initial state was stored; nyc1 cut off since (its primary does not answer): the outage a failover is for", FailoverState.Initial("nyc1"),
            Found(Silent("nyc1"), Standby("ams3"), Dns("nyc1")), "nyc1" },
        { "the initial state was stored; nyc1's own guard fenced its primary", FailoverState.Initial("nyc1"), Found(Fenced("nyc1", 0), Standby("ams3"), Dns("nyc1")), "nyc1" },
        { "stored ams3 after a failover; nyc1 fenced with the same epoch", Stored("ams3", 4), Found(Fenced("nyc1", 4), Primary("ams3", 4), Dns("ams3", 4)), "ams3" },
        { "stored ams3; ams3's primary is down (the outage itself): no evidence either way", Stored("ams3", 4), Found(Silent("ams3"), Standby("nyc1", 4), Dns("ams3", 4)), "ams3" },
        { "stored move past pg_promote: ams3 promoted, DNS not switched yet", Stored("nyc1", 3) with { Move = MoveTo("ams3", 4, Now.AddMinutes(-1), promoted: true), Phase = Phases.Promoting, Epoch = E(4) },
            Found(Fenced("nyc1", 4), Primary("ams3", 4), Dns("nyc1", 3)), "nyc1" },
    };

    [Theory]
    [MemberData(nameof(Agreeing))]
    public void The_stored_state_or_the_initial_region_is_used_when_the_resources_agree(string why, FailoverState? stored, ResourceFindings found, string? expectedActive)
    {
        var v = Reconciliation.Check(stored, found, "nyc1", Now, Cooldown);

        Assert.True(v.Agrees, $"{why}: {string.Join(" | ", v.Disagreements)}");
        Assert.Equal(expectedActive, v.State!.ActiveRegion);
        Assert.Null(v.AbandonedMove);
    }

    public static TheoryData<string, FailoverState?, ResourceFindings, string> Disagreeing => new()
    {
        { "first start, but the shop has run in ams3 for a month (F5: no state found)", null, Found(Fenced("nyc1", 7), Primary("ams3", 8), Dns("ams3", 8)),
            "no failover state is stored, but the resources record epoch 8: the mesh has acted before (data directories lost?)" },
        { "first start without epochs, ams3 is the writable primary", null, Found(Standby("nyc1"), Primary("ams3"), Dns("nyc1")),
            "InitialActiveRegion nyc1 cannot be confirmed: none of its PostgreSQL servers answered as a writable primary" },
        { "first start, nyc1's primary does not answer", null, Found(Silent("nyc1"), Standby("ams3"), Dns("nyc1")),
            "InitialActiveRegion nyc1 cannot be confirmed: none of its PostgreSQL servers answered as a writable primary" },
        { "the initial state was stored, but ams3 takes writes now", FailoverState.Initial("nyc1"), Found(Silent("nyc1"), Primary("ams3"), Dns("nyc1")),
            "pg-ams3 (ams3) out of recovery, taking writes, timeline 1, not in InitialActiveRegion nyc1" },
        { "first start, DNS points at ams3", null, Found(Primary("nyc1"), Standby("ams3"), Dns("ams3")),
            "DNS www -> value-of-ams3 (ams3), not InitialActiveRegion nyc1" },
        { "first start, DNS cannot be read", null, Found(Primary("nyc1"), Standby("ams3"), new DnsFinding("www", null, null, null, null, "429 too many requests")),
            "DNS www could not be read: 429 too many requests: InitialActiveRegion nyc1 cannot be confirmed" },
        { "stored state older than the resources (F5: disks disagree)", Stored("nyc1", 3), Found(Fenced("nyc1", 4), Primary("ams3", 4), Dns("ams3", 4)),
            "the resources record epoch 4, newer than the stored epoch 3: the stored state is older than what the mesh last did (data directories restored or rebuilt?)" },
        { "a primary promoted by hand in ams3 (no epoch)", Stored("nyc1", 3), Found(Primary("nyc1", 3), Primary("ams3"), Dns("nyc1", 3)),
            "pg-ams3 (ams3) out of recovery, taking writes, timeline 1 while the stored active region is nyc1" },
        { "DNS changed by hand to a value that is no region's", Stored("nyc1", 3), Found(Primary("nyc1", 3), Standby("ams3", 3), Dns(null, 3)),
            "DNS www -> 203.0.113.9 (no region's value), TXT epoch 3 active=nyc1 while the stored active region is nyc1" },
    };

    [Theory]
    [MemberData(nameof(Disagreeing))]
    public void A_disagreement_blocks_with_both_views(string why, FailoverState? stored, ResourceFindings found, string expected)
    {
        var v = Reconciliation.Check(stored, found, "nyc1", Now, Cooldown);

        Assert.False(v.Agrees, why);
        Assert.Null(v.State);
        Assert.Contains(expected, v.Disagreements);
        Assert.StartsWith("stored: ", v.Disagreements[^1], StringComparison.Ordinal);
        Assert.Contains("resources: ", v.Disagreements[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_move_older_than_Cooldown_that_had_not_reached_pg_promote_is_abandoned_not_resumed()
    {
        // spec-review F5 "stale phase resumed": meanwhile an operator rebuilt ams3 as a standby of nyc1.
        var stored = Stored("nyc1", 3) with { Move = MoveTo("ams3", 4, Now.AddHours(-3), promoted: false), Phase = Phases.Fencing, Epoch = E(4) };

        var v = Reconciliation.Check(stored, Found(Primary("nyc1", 4), Standby("ams3", 4), Dns("nyc1", 3)), "nyc1", Now, Cooldown);

        Assert.True(v.Agrees, string.Join(" | ", v.Disagreements));
        Assert.Equal(("nyc1", (Move?)null, Phases.Idle), (v.State!.ActiveRegion, v.State.Move, v.State.Phase));
        Assert.StartsWith("the stored failover from nyc1 to ams3 (epoch 4) started at ", v.AbandonedMove, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recent_unfinished_move_is_kept_for_resuming()
    {
        var stored = Stored("nyc1", 3) with { Move = MoveTo("ams3", 4, Now.AddMinutes(-2), promoted: false), Phase = Phases.Fencing, Epoch = E(4) };

        var v = Reconciliation.Check(stored, Found(Silent("nyc1"), Standby("ams3", 3), Dns("nyc1", 3)), "nyc1", Now, Cooldown);

        Assert.True(v.Agrees);
        Assert.NotNull(v.State!.Move);
        Assert.Null(v.AbandonedMove);
        Assert.False(PlanSteps.PastPointOfNoReturn(v.State.Move!));
    }
}
