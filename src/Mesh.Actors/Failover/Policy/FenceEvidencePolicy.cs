using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Policy;

/// <summary>What the fence step learned about the old active region's primaries (SPEC 6 rule 5).</summary>
/// <param name="GuardsConfirmed">(a) a node of the region confirmed the fence of every primary of its groups under this epoch.</param>
/// <param name="FenceFailures">Failures any node reported while fencing; one is enough to distrust (a).</param>
/// <param name="DropletsOff">(b) every droplet tagged for the region read back <c>off</c> through the API; null when not tried.</param>
/// <param name="LeaseExpired">(c) every Up member outside the region stopped granting, Duration + DriftMargin passed, and the region was guarded when last heard from (the coordinator fills this in).</param>
/// <param name="PrimaryUnreachableFor">(d) how long no vantage, the region's own guards included, got a connection to its primary; null when one did.</param>
/// <param name="GuardsHoldPendingFence">(d) the region's guards keep retrying the fence, so a primary that comes back is fenced at once.</param>
/// <param name="LeaseWhyNot">Why (c) does not hold yet, in words; null when unknown.</param>
public sealed record FenceFacts(bool GuardsConfirmed, IReadOnlyList<string> FenceFailures, bool? DropletsOff, bool LeaseExpired,
    TimeSpan? PrimaryUnreachableFor, bool GuardsHoldPendingFence, string? LeaseWhyNot = null);

public sealed record FenceSettings(string PostgresFencing, bool AcceptUnreachablePrimary, TimeSpan LeaseDuration);

/// <summary>The strongest evidence that held (the history's <c>fencedBy</c>), or why there is none.</summary>
public sealed record FenceVerdict(string? FencedBy, IReadOnlyList<string> Missing)
{
    public bool Proven => FencedBy is not null;
}

/// <summary>
/// Promotion only with evidence that the old primaries can no longer commit, strongest first: power-off,
/// guards, lease-expired, unreachable; else only an operator accepting the split-brain risk goes on.
/// A primary that merely does not answer is not evidence (it may be cut off and still serving its clients).
/// </summary>
public static class FenceEvidencePolicy
{
    public static FenceVerdict Evaluate(string region, FenceFacts facts, FenceSettings settings, bool acceptSplitBrainRisk)
    {
        var missing = new List<string>();
        if (facts.DropletsOff == true) return new FenceVerdict(FenceEvidence.PowerOff, []);
        missing.Add(facts.DropletsOff is null ? "droplets were not powered off (PowerOffDroplets is off)" : $"not every droplet of {region} reads back off");

        if (settings.PostgresFencing == PostgresFencing.None)
            missing.Add("Fencing.Postgres is none: no SQL fence to confirm");
        else if (facts.FenceFailures.Count > 0)
            missing.Add($"the fence reported failures: {string.Join("; ", facts.FenceFailures)}");
        else if (facts.GuardsConfirmed)
            return new FenceVerdict(FenceEvidence.Guards, []);
        else
            missing.Add($"no node of {region} confirmed the fence of every primary");

        if (settings.PostgresFencing == PostgresFencing.ReadOnly)
            missing.Add("lease expiry is not proof with Fencing.Postgres read-only (clients can override it)");
        else if (facts.LeaseExpired)
            return new FenceVerdict(FenceEvidence.LeaseExpired, []);
        else
            missing.Add($"{region}'s write lease has not provably expired" + (facts.LeaseWhyNot is { } why ? $" ({why})" : ""));

        if (!settings.AcceptUnreachablePrimary)
            missing.Add("an unreachable primary is not accepted as fenced (AcceptUnreachablePrimary is off)");
        else if (facts.PrimaryUnreachableFor is { } gone && gone >= settings.LeaseDuration && facts.GuardsHoldPendingFence)
            return new FenceVerdict(FenceEvidence.Unreachable, []);
        else
            missing.Add(facts.PrimaryUnreachableFor is null
                ? $"{region}'s primary still accepts connections from some vantage"
                : $"{region}'s primary has been unreachable for {RegionVote.Seconds(facts.PrimaryUnreachableFor.Value)}, less than the lease Duration {RegionVote.Seconds(settings.LeaseDuration)}, or its guards hold no pending fence");

        if (acceptSplitBrainRisk) return new FenceVerdict(FenceEvidence.Operator, []);
        return new FenceVerdict(null, missing.Select(m => $"cannot prove {region}'s primary is fenced: {m}").ToList());
    }
}
