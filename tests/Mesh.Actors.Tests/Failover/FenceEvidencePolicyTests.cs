using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>SPEC 6 rule 5: promotion only with evidence that the old primaries cannot commit, and the strongest one is named.</summary>
public sealed class FenceEvidencePolicyTests
{
    private static readonly FenceSettings Strict = new(PostgresFencing.Strict, AcceptUnreachablePrimary: false, TimeSpan.FromSeconds(15));
    private static readonly FenceFacts Nothing = new(false, [], null, false, null, false);

    private static FenceVerdict Evaluate(FenceFacts facts, FenceSettings? settings = null, bool acceptRisk = false) =>
        FenceEvidencePolicy.Evaluate("nyc1", facts, settings ?? Strict, acceptRisk);

    public static TheoryData<string, FenceFacts, FenceSettings, string> Proof => new()
    {
        { "power-off beats everything", Nothing with { DropletsOff = true, GuardsConfirmed = true, LeaseExpired = true }, Strict, FenceEvidence.PowerOff },
        { "power-off holds even when the SQL fence failed", Nothing with { DropletsOff = true, FenceFailures = ["pg-nyc1: timeout"] }, Strict, FenceEvidence.PowerOff },
        { "guards confirmed", Nothing with { GuardsConfirmed = true, LeaseExpired = true }, Strict, FenceEvidence.Guards },
        { "read-only guards still count as a confirmed fence", Nothing with { GuardsConfirmed = true }, Strict with { PostgresFencing = PostgresFencing.ReadOnly }, FenceEvidence.Guards },
        { "lease expired", Nothing with { LeaseExpired = true }, Strict, FenceEvidence.LeaseExpired },
        { "unreachable for Duration with a pending fence, when accepted", Nothing with { PrimaryUnreachableFor = TimeSpan.FromSeconds(15), GuardsHoldPendingFence = true }, Strict with { AcceptUnreachablePrimary = true }, FenceEvidence.Unreachable },
    };

    [Theory]
    [MemberData(nameof(Proof))]
    public void The_strongest_evidence_that_held_is_named(string why, FenceFacts facts, FenceSettings settings, string fencedBy)
    {
        var v = Evaluate(facts, settings);

        Assert.True(fencedBy == v.FencedBy, $"{why}: {v.FencedBy} ({string.Join("; ", v.Missing)})");
        Assert.Empty(v.Missing);
    }

    public static TheoryData<string, FenceFacts, FenceSettings, string> NoProof => new()
    {
        { "a confirmation with a failure elsewhere", Nothing with { GuardsConfirmed = true, FenceFailures = ["redis-nyc1: CONFIG REWRITE failed"] }, Strict,
            "cannot prove nyc1's primary is fenced: the fence reported failures: redis-nyc1: CONFIG REWRITE failed" },
        { "lease expiry with an advisory fence", Nothing with { LeaseExpired = true }, Strict with { PostgresFencing = PostgresFencing.ReadOnly },
            "cannot prove nyc1's primary is fenced: lease expiry is not proof with Fencing.Postgres read-only (clients can override it)" },
        { "no SQL fence at all", Nothing with { GuardsConfirmed = true }, Strict with { PostgresFencing = PostgresFencing.None },
            "cannot prove nyc1's primary is fenced: Fencing.Postgres is none: no SQL fence to confirm" },
        { "an unreachable primary is not evidence by default", Nothing with { PrimaryUnreachableFor = TimeSpan.FromMinutes(5), GuardsHoldPendingFence = true }, Strict,
            "cannot prove nyc1's primary is fenced: an unreachable primary is not accepted as fenced (AcceptUnreachablePrimary is off)" },
        { "unreachable for less than Duration", Nothing with { PrimaryUnreachableFor = TimeSpan.FromSeconds(14), GuardsHoldPendingFence = true }, Strict with { AcceptUnreachablePrimary = true },
            "cannot prove nyc1's primary is fenced: nyc1's primary has been unreachable for 14 s, less than the lease Duration 15 s" },
        { "unreachable but no pending fence", Nothing with { PrimaryUnreachableFor = TimeSpan.FromMinutes(1) }, Strict with { AcceptUnreachablePrimary = true },
            "cannot prove nyc1's primary is fenced: nyc1's primary has been unreachable for 60 s" },
        { "the droplets did not all go off", Nothing with { DropletsOff = false }, Strict, "cannot prove nyc1's primary is fenced: not every droplet of nyc1 reads back off" },
    };

    [Theory]
    [MemberData(nameof(NoProof))]
    public void Without_evidence_promotion_is_blocked_and_says_why(string why, FenceFacts facts, FenceSettings settings, string reason)
    {
        var v = Evaluate(facts, settings);

        Assert.False(v.Proven, why);
        Assert.Contains(v.Missing, m => m.StartsWith(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Only_an_operator_accepting_the_split_brain_risk_goes_on_without_evidence()
    {
        Assert.False(Evaluate(Nothing).Proven);
        Assert.Equal(FenceEvidence.Operator, Evaluate(Nothing, acceptRisk: true).FencedBy);
        Assert.Equal(FenceEvidence.Guards, Evaluate(Nothing with { GuardsConfirmed = true }, acceptRisk: true).FencedBy);   // real evidence is still named
    }
}
