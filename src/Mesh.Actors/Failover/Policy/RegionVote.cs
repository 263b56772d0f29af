using Mesh.Contracts.Failover;
using System.Globalization;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Failover.Policy;

/// <summary>
/// What one member knows of one target from its own region's probes. Ages are measured on the member's
/// monotonic clock from when the observations arrived, never from the probe's wall-clock timestamps.
/// </summary>
/// <param name="Age">Since the latest observation arrived.</param>
/// <param name="UnhealthyFor">Since the member first saw the current run of unhealthy observations; null while healthy.</param>
/// <param name="Fenced">A primary the mesh fenced: it counts as healthy (its refusal to write is the mesh's doing).</param>
public sealed record TargetSighting(string TargetId, string Status, TimeSpan Age, TimeSpan? UnhealthyFor, bool Fenced);

/// <summary>A critical target of a site region and how long it may be unhealthy before it counts (in-region HA gets its chance).</summary>
public sealed record CriticalTarget(string Id, TimeSpan Grace);

public sealed record VoteSettings(IReadOnlyDictionary<string, IReadOnlyList<CriticalTarget>> CriticalTargetsBySiteRegion, TimeSpan ObservationMaxAge);

/// <summary>
/// A vantage region's vote on every site region (SPEC 6 rule 2), as one member computes it: <c>down</c> when a
/// critical target has been unhealthy for its Grace; <c>up</c> when every critical target is healthy;
/// otherwise <c>unknown</c> (stale, missing or undecided observations, a target within its grace). A vantage
/// that sees every site region down votes <c>unknown</c> on all of them: it is more likely broken itself.
/// </summary>
public static class RegionVote
{
    public static IReadOnlyList<RegionVerdict> Vote(VoteSettings settings, IReadOnlyDictionary<string, TargetSighting> sightings)
    {
        var verdicts = settings.CriticalTargetsBySiteRegion
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => VoteOn(kv.Key, kv.Value, settings.ObservationMaxAge, sightings))
            .ToList();
        if (verdicts.Count > 1 && verdicts.All(v => v.Verdict == Verdicts.Down))
        {
            const string reason = "this vantage sees every site region down: its own network is more likely broken";
            return verdicts.Select(v => v with { Verdict = Verdicts.Unknown, Reasons = [reason, .. v.Reasons] }).ToList();
        }
        return verdicts;
    }

    private static RegionVerdict VoteOn(string region, IReadOnlyList<CriticalTarget> critical, TimeSpan maxAge, IReadOnlyDictionary<string, TargetSighting> sightings)
    {
        if (critical.Count == 0) return new RegionVerdict(region, Verdicts.Unknown, [$"{region} has no critical targets to judge it by"]);
        var down = new List<string>();
        var unsure = new List<string>();
        foreach (var target in critical)
        {
            if (!sightings.TryGetValue(target.Id, out var s))
                unsure.Add($"{target.Id}: no observation yet");
            else if (s.Age > maxAge)
                unsure.Add($"{target.Id}: last observed {Seconds(s.Age)} ago, older than ObservationMaxAge {Seconds(maxAge)}");
            else if (s.Fenced || s.Status == ProbeStatus.Healthy)
                continue;
            else if (s.Status != ProbeStatus.Unhealthy)
                unsure.Add($"{target.Id}: not judged yet");
            else if (s.UnhealthyFor is { } unhealthyFor && unhealthyFor >= target.Grace)
                down.Add($"{target.Id}: unhealthy for {Seconds(unhealthyFor)}");
            else
                unsure.Add($"{target.Id}: unhealthy for {Seconds(s.UnhealthyFor ?? TimeSpan.Zero)}, within its grace of {Seconds(target.Grace)}");
        }
        // A fresh, confirmed failure is evidence on its own; doubt about other targets does not undo it.
        if (down.Count > 0) return new RegionVerdict(region, Verdicts.Down, down);
        if (unsure.Count > 0) return new RegionVerdict(region, Verdicts.Unknown, unsure);
        return new RegionVerdict(region, Verdicts.Up, []);
    }

    internal static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
