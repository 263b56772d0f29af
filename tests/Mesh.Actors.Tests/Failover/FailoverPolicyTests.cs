using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>
/// SPEC 6 rules 3, 7, 9 and 13 as a pure decision. The scenario: nyc1 active, ams3 standby, sfo3 witness,
/// Quorum 2, Fall x Interval 3 s; each case changes one thing from a confirmed outage of nyc1's stack.
/// </summary>
public sealed class FailoverPolicyTests
{
    private static readonly DateTimeOffset Wall = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private static readonly PolicySettings Settings = new(FailoverModes.Automatic, 2, ["ams3", "nyc1"], TimeSpan.FromSeconds(3));
    private static readonly RegionReadiness Ready = new("ams3", 4096, [], []);

    private static MemberVotes Member(string node, string region, string onNyc, string onAms) =>
        new(node, region, [new RegionVerdict("nyc1", onNyc, onNyc == Verdicts.Down ? ["pg-nyc1: unhealthy for 3 s"] : []), new RegionVerdict("ams3", onAms, [])]);

    /// <summary>Every region's members see nyc1 down and ams3 up: nyc1's own node too (its database died, the mesh did not).</summary>
    private static MemberVotes[] Outage() =>
    [
        Member("nyc1-a", "nyc1", Verdicts.Down, Verdicts.Up),
        Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up),
        Member("sfo3-w", "sfo3", Verdicts.Down, Verdicts.Up),
    ];

    private static PollRound Round(double at, params MemberVotes[] answers) =>
        new(TimeSpan.FromSeconds(at), Wall.AddSeconds(at), answers, answers.Select(a => a.Region).ToHashSet());

    private static PolicyInput Input(FailoverState? state = null, PolicySettings? settings = null, RegionReadiness? readiness = null, params PollRound[] rounds) =>
        new(state ?? FailoverState.Initial("nyc1"), settings ?? Settings, rounds.Length > 0 ? rounds : [Round(0, Outage()), Round(3, Outage())],
            new Dictionary<string, RegionReadiness> { ["ams3"] = readiness ?? Ready }, Wall.AddSeconds(3));

    private static PolicyDecision Decide(PolicyInput input) => FailoverPolicy.Decide(input);

    [Fact]
    public void A_confirmed_outage_fails_over_to_the_ready_standby()
    {
        var d = Decide(Input());

        Assert.Equal(Phases.Fencing, d.Phase);
        Assert.Empty(d.BlockedReasons);
        Assert.Equal(("nyc1", "ams3", false), (d.Act!.From, d.Act.To, d.Act.DryRun));
        Assert.Equal("nyc1 voted down by ams3, nyc1, sfo3 (ams3: pg-nyc1: unhealthy for 3 s; nyc1: pg-nyc1: unhealthy for 3 s; sfo3: pg-nyc1: unhealthy for 3 s)", d.Act.Reason);
        Assert.Equal([("ams3", "down"), ("nyc1", "down"), ("sfo3", "down")], d.Act.Votes.Select(v => (v.Vantage, v.Verdict)));
    }

    [Fact]
    public void A_round_taken_a_timer_jitter_early_still_confirms()
    {
        var d = Decide(Input(settings: Settings with { RoundJitter = TimeSpan.FromMilliseconds(100) }, rounds: [Round(0, Outage()), Round(2.997, Outage())]));

        Assert.Equal(Phases.Fencing, d.Phase);
    }

    public static TheoryData<string, PolicyInput, string> NoMove => new()
    {
        { "no round yet: a new coordinator counts nothing before one round", Input(rounds: []) with { Rounds = [] }, Phases.Idle },
        { "one round only", Input(rounds: [Round(3, Outage())]), Phases.Suspect },
        { "two rounds less than Fall x Interval apart", Input(rounds: [Round(1, Outage()), Round(3, Outage())]), Phases.Suspect },
        { "two rounds a timer tick short of Fall x Interval, beyond the jitter allowed", Input(settings: Settings with { RoundJitter = TimeSpan.FromMilliseconds(100) }, rounds: [Round(0, Outage()), Round(2.85, Outage())]), Phases.Suspect },
        { "the earlier round did not see ams3 up", Input(rounds: [Round(0, Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Unknown), Member("sfo3-w", "sfo3", Verdicts.Down, Verdicts.Unknown)), Round(3, Outage())]), Phases.Suspect },
        { "the earlier round had nyc1's self-veto", Input(rounds: [Round(0, Member("nyc1-a", "nyc1", Verdicts.Up, Verdicts.Up), Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up), Member("sfo3-w", "sfo3", Verdicts.Down, Verdicts.Up)), Round(3, Outage())]), Phases.Suspect },
        { "only one region votes nyc1 down", Input(rounds: [Round(0, Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up), Member("sfo3-w", "sfo3", Verdicts.Up, Verdicts.Up)), Round(3, Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up), Member("sfo3-w", "sfo3", Verdicts.Up, Verdicts.Up))]), Phases.Idle },
        { "a move in progress belongs to the plan", Input(state: FailoverState.Initial("nyc1") with { Phase = Phases.Promoting, Move = new Move("failover", "nyc1", "ams3", new Epoch(1, "c"), Wall, "r", null, false, false, []) }), Phases.Promoting },
    };

    [Theory]
    [MemberData(nameof(NoMove))]
    public void No_failover_without_two_confirming_rounds(string why, PolicyInput input, string phase)
    {
        var d = Decide(input);

        Assert.True(phase == d.Phase, $"{why}: {d.Phase} ({string.Join("; ", d.BlockedReasons)})");
        Assert.Null(d.Act);
        Assert.Empty(d.BlockedReasons);
    }

    private static PollRound[] Twice(params MemberVotes[] answers) => [Round(0, answers), Round(3, answers)];

    public static TheoryData<string, PolicyInput, string> Blocked => new()
    {
        { "self-veto", Input(rounds: Twice(Member("nyc1-a", "nyc1", Verdicts.Up, Verdicts.Up), Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up), Member("sfo3-w", "sfo3", Verdicts.Down, Verdicts.Up))),
            "nyc1 reports itself healthy (nyc1-a votes it up) while other regions vote it down: a network path problem, not a failed region" },
        { "self-veto by one of two disagreeing members", Input(rounds: Twice(Member("nyc1-a", "nyc1", Verdicts.Down, Verdicts.Up), Member("nyc1-b", "nyc1", Verdicts.Up, Verdicts.Up), Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up), Member("sfo3-w", "sfo3", Verdicts.Down, Verdicts.Up))),
            "nyc1 reports itself healthy (nyc1-b votes it up)" },
        { "too few regions reachable", Input(rounds: [Round(0, Outage()) with { ReachableRegions = new HashSet<string> { "ams3" } }, Round(3, Outage()) with { ReachableRegions = new HashSet<string> { "ams3" } }]),
            "the coordinator reaches Up members of only 1 regions (ams3); Quorum is 2" },
        { "standby not voted up by Quorum", Input(rounds: Twice(Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up), Member("sfo3-w", "sfo3", Verdicts.Down, Verdicts.Unknown))),
            "no standby region is voted up by 2 regions: ams3 up from ams3" },
        { "standby lags", Input(readiness: new RegionReadiness("ams3", 99_000_000, [], ["pg-ams3 lags 99,000,000 bytes behind the active primary, more than MaxLagBytes 16,777,216 bytes"])),
            "ams3 is not eligible: pg-ams3 lags 99,000,000 bytes" },
        { "manual mode", Input(settings: Settings with { Mode = FailoverModes.Manual }),
            "mode is manual: the mesh would fail over nyc1 to ams3; an operator decides (POST /api/v1/failover/failover)" },
        { "paused", Input(state: FailoverState.Initial("nyc1") with { Paused = true, PauseReason = "kernel upgrade" }), "paused: kernel upgrade" },
        { "cooldown", Input(state: FailoverState.Initial("nyc1") with { CooldownUntil = Wall.AddMinutes(10) }),
            "in cooldown until 2026-11-26T03:10:00Z after the last failover; going back is a planned switchover" },
    };

    [Theory]
    [MemberData(nameof(Blocked))]
    public void A_failover_that_may_not_happen_is_blocked_with_its_reason(string why, PolicyInput input, string reason)
    {
        var d = Decide(input);

        Assert.True(d.Phase == Phases.Blocked, $"{why}: {d.Phase}");
        Assert.Null(d.Act);
        Assert.Contains(d.BlockedReasons, r => r.StartsWith(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_reason_is_reported_at_once()
    {
        var d = Decide(Input(state: FailoverState.Initial("nyc1") with { Paused = true, CooldownUntil = Wall.AddMinutes(1) },
            readiness: new RegionReadiness("ams3", null, ["pg-ams3 is not a standby"], [])));

        Assert.Equal(["ams3 is not eligible: pg-ams3 is not a standby", "paused", "in cooldown until 2026-11-26T03:01:00Z after the last failover; going back is a planned switchover"], d.BlockedReasons);
    }

    [Fact]
    public void An_expired_cooldown_no_longer_blocks() =>
        Assert.NotNull(Decide(Input(state: FailoverState.Initial("nyc1") with { CooldownUntil = Wall.AddSeconds(2) })).Act);

    [Fact]
    public void Dry_run_reports_what_it_would_do_and_changes_no_phase()
    {
        var d = Decide(Input(settings: Settings with { Mode = FailoverModes.DryRun }));

        Assert.Equal(Phases.Idle, d.Phase);
        Assert.Equal(("nyc1", "ams3", true), (d.Act!.From, d.Act.To, d.Act.DryRun));
    }

    [Fact]
    public void With_three_site_regions_the_least_lagging_ready_standby_is_chosen()
    {
        var settings = Settings with { SiteRegions = ["ams3", "lon1", "nyc1"], Quorum = 3 };
        MemberVotes M(string node, string region) => new(node, region,
            [new RegionVerdict("nyc1", Verdicts.Down, ["x"]), new RegionVerdict("ams3", Verdicts.Up, []), new RegionVerdict("lon1", Verdicts.Up, [])]);
        var answers = new[] { M("ams3-a", "ams3"), M("lon1-a", "lon1"), M("sfo3-w", "sfo3"), M("nyc1-a", "nyc1") };
        var input = Input(settings: settings, rounds: Twice(answers)) with
        {
            Readiness = new Dictionary<string, RegionReadiness> { ["ams3"] = Ready with { LagBytes = 9000 }, ["lon1"] = new("lon1", 12, [], []) },
        };

        Assert.Equal("lon1", Decide(input).Act!.To);
    }

    [Fact]
    public void Two_regions_without_a_witness_fail_over_only_when_the_active_regions_own_nodes_see_its_stack_down()
    {
        var settings = Settings with { Quorum = 2 };
        var stackDown = Decide(Input(settings: settings, rounds: Twice(Member("nyc1-a", "nyc1", Verdicts.Down, Verdicts.Up), Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up))));
        var regionCutOff = Decide(Input(settings: settings, rounds: Twice(Member("ams3-a", "ams3", Verdicts.Down, Verdicts.Up))));

        Assert.NotNull(stackDown.Act);
        Assert.Null(regionCutOff.Act);
        Assert.Equal(Phases.Idle, regionCutOff.Phase);   // one region's "down" is not a quorum: a lost region is never failed over from
    }

    [Fact]
    public void After_a_completed_failover_the_phase_stays_completed_while_all_is_well()
    {
        var healthy = Twice(Member("ams3-a", "ams3", Verdicts.Up, Verdicts.Up), Member("sfo3-w", "sfo3", Verdicts.Up, Verdicts.Up));

        Assert.Equal(Phases.Completed, Decide(Input(state: FailoverState.Initial("nyc1") with { Phase = Phases.Completed }, rounds: healthy)).Phase);
    }
}
