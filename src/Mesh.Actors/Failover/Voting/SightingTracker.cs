using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Failover.Voting;

/// <summary>
/// Turns the observations this member receives into sightings measured on its own monotonic clock: how
/// old the latest one is and how long the target has been unhealthy, both from arrival times. The
/// probes' wall-clock timestamps are never compared (they come from other nodes).
/// </summary>
public sealed class SightingTracker(TimeProvider clock)
{
    private readonly Dictionary<(string Vantage, string Target), Entry> _entries = new();

    public void Observe(TargetObserved observed)
    {
        var now = clock.GetTimestamp();
        var key = (observed.Vantage, observed.TargetId);
        _entries.TryGetValue(key, out var previous);
        long? unhealthySince = observed.Status == ProbeStatus.Unhealthy ? previous?.UnhealthySince ?? now : null;
        _entries[key] = new Entry(observed.Status, now, unhealthySince, observed.Facts.FencedByMesh == true);
    }

    /// <summary>What this member knows of every target as seen from <paramref name="vantage"/>.</summary>
    public IReadOnlyDictionary<string, TargetSighting> From(string vantage) =>
        _entries.Where(e => e.Key.Vantage == vantage).ToDictionary(
            e => e.Key.Target,
            // A primary its latest check found fenced by the mesh counts as healthy in the vote (rule 2).
            e => new TargetSighting(e.Key.Target, e.Value.Status, clock.GetElapsedTime(e.Value.ArrivedAt),
                e.Value.UnhealthySince is { } since ? clock.GetElapsedTime(since) : null, e.Value.Fenced),
            StringComparer.Ordinal);

    private sealed record Entry(string Status, long ArrivedAt, long? UnhealthySince, bool Fenced);
}
