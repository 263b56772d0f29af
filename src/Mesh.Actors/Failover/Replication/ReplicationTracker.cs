using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Failover.Replication;

/// <summary>
/// Remembers, per vantage and standby, the last <em>consistent</em> lag observation: the group primary's
/// write position and the standby's received position (Redis: replica offset) observed by the same vantage
/// and arriving here within one Interval of each other (SPEC 6 rule 3). The pair outlives the primary's
/// death, which is exactly when it is needed; it is never assembled from observations far apart in time.
/// Times are arrival times on this node's monotonic clock.
/// </summary>
public sealed class ReplicationTracker(IReadOnlyList<TargetOptions> targets, TimeSpan interval)
{
    private readonly Dictionary<string, TargetOptions> _targets = targets.Where(t => t.Group is not null && t.Kind is TargetKinds.Postgres or TargetKinds.Redis)
        .ToDictionary(t => t.Id!, StringComparer.Ordinal);
    private readonly Dictionary<(string Vantage, string Target), Positioned> _primaries = new();
    private readonly Dictionary<(string Vantage, string Target), Positioned> _standbys = new();
    private readonly Dictionary<(string Vantage, string Standby), Pair> _pairs = new();
    private readonly Dictionary<string, TimeSpan> _primaryLastSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TargetObserved> _latest = new(StringComparer.Ordinal);

    public void Observe(TargetObserved o, TimeSpan now)
    {
        if (!_targets.TryGetValue(o.TargetId, out var target)) return;
        if (!_latest.TryGetValue(o.TargetId, out var previous) || (o.LastCheck ?? DateTimeOffset.MinValue) >= (previous.LastCheck ?? DateTimeOffset.MinValue))
            _latest[o.TargetId] = o;
        var f = o.Facts;
        if (o.Status == ProbeStatus.Healthy && f.Role == ServerRoles.Primary && f.WritePosition is { } write)
        {
            _primaries[(o.Vantage, o.TargetId)] = new Positioned(o.TargetId, write, f.Timeline, null, now);
            _primaryLastSeen[o.TargetId] = now;
            foreach (var standby in _targets.Values.Where(t => t.Group == target.Group && t.Id != o.TargetId))
                TryPair(o.Vantage, standby.Id!);
        }
        else if (f.Role == ServerRoles.Standby && (target.Kind == TargetKinds.Redis ? f.ReplayPosition : f.ReceivePosition) is { } received)
        {
            _standbys[(o.Vantage, o.TargetId)] = new Positioned(o.TargetId, received, f.Timeline, f.UpstreamStatus, now);
            TryPair(o.Vantage, o.TargetId);
        }
    }

    private void TryPair(string vantage, string standbyId)
    {
        if (!_standbys.TryGetValue((vantage, standbyId), out var standby)) return;
        var group = _targets[standbyId].Group;
        var primary = _primaries.Where(p => p.Key.Vantage == vantage && _targets[p.Key.Target].Group == group)
            .Select(p => p.Value).OrderByDescending(p => p.At).FirstOrDefault();
        if (primary is null || (primary.At - standby.At).Duration() > interval) return;
        // Whether the standby followed the primary is judged in the pair too: once the primary dies its
        // receiver stops streaming, and that must not make the standby look unfit. A standby seen after the
        // primary's last sighting may have lost it in between (a crash right after that sighting), so a
        // stopped receiver seen then proves nothing and leaves the last pair standing; while the primary
        // lives, its next sighting pairs that standby sighting and records that it stopped following.
        var streaming = standby.Upstream is "streaming" or "up";
        if (!streaming && standby.At > primary.At) return;
        var follows = streaming && (primary.Timeline is null || primary.Timeline == standby.Timeline);
        _pairs[(vantage, standbyId)] = new Pair(primary.Target, primary.Position - standby.Position, follows, primary.At < standby.At ? primary.At : standby.At);
    }

    /// <summary>What rule 3 needs of every group's member in <paramref name="region"/>, against the active region's primaries.</summary>
    public IReadOnlyList<StandbyEvidence> Evidence(string activeRegion, string region)
    {
        var evidence = new List<StandbyEvidence>();
        foreach (var member in _targets.Values.Where(t => t.Region == region))
        {
            var primary = _targets.Values.FirstOrDefault(t => t.Group == member.Group && t.Region == activeRegion && t.Kind == member.Kind);
            var latest = _latest.GetValueOrDefault(member.Id!);
            string? problem = primary is null ? $"group {member.Group} has no member in the active region {activeRegion}"
                : latest is null ? "not observed yet"
                : latest.Status != ProbeStatus.Healthy ? $"unhealthy ({latest.Error ?? latest.Status})"
                : null;
            var inRecovery = latest?.Facts.Role == ServerRoles.Standby;
            var pair = primary is null ? null : _pairs.Where(p => p.Key.Standby == member.Id && p.Value.Primary == primary.Id)
                .Select(p => p.Value).OrderByDescending(p => p.At).FirstOrDefault();
            var follows = inRecovery && (pair is null || pair.Follows);   // no pair yet: reported as lag unknown
            var lastSeen = primary is not null && _primaryLastSeen.TryGetValue(primary.Id!, out var seen) ? seen : (TimeSpan?)null;
            var before = pair is not null && lastSeen is { } ls && ls > pair.At ? ls - pair.At : TimeSpan.Zero;
            evidence.Add(new StandbyEvidence(member.Group!, member.Kind!, member.Id!, inRecovery, follows, pair?.LagBytes is { } lag ? Math.Max(0, lag) : null, before, problem));
        }
        return evidence;
    }

    /// <summary>Every pair and primary sighting, as ages at <paramref name="now"/>, for a coordinator that starts after a primary died.</summary>
    public ReplicationPairs Export(string node, TimeSpan now) => new(node,
        [.. _pairs.Select(p => new ReplicationPair(p.Key.Vantage, p.Key.Standby, p.Value.Primary, p.Value.LagBytes, p.Value.Follows, now - p.Value.At))],
        [.. _primaryLastSeen.Select(s => new PrimarySighting(s.Key, now - s.Value))]);

    /// <summary>
    /// Takes over what another node's witness remembers, dated on this clock as <paramref name="now"/> minus each
    /// age (the answer's travel time makes them look that much fresher: milliseconds against an ObservationMaxAge
    /// of seconds). A pair replaces this tracker's own only when newer; a sighting only moves later. Without this,
    /// a coordinator that starts after the active primary died could never pair it again and would block for good.
    /// </summary>
    public void Adopt(ReplicationPairs answer, TimeSpan now)
    {
        foreach (var p in answer.Pairs.Where(p => _targets.ContainsKey(p.Standby) && _targets.ContainsKey(p.Primary)))
        {
            var at = now - p.Age;
            if (_pairs.TryGetValue((p.Vantage, p.Standby), out var mine) && mine.At >= at) continue;
            _pairs[(p.Vantage, p.Standby)] = new Pair(p.Primary, p.LagBytes, p.Follows, at);
        }
        foreach (var s in answer.PrimariesLastSeen.Where(s => _targets.ContainsKey(s.Target)))
        {
            var at = now - s.Age;
            if (!_primaryLastSeen.TryGetValue(s.Target, out var mine) || mine < at) _primaryLastSeen[s.Target] = at;
        }
    }

    /// <summary>The replication groups a failover to any region must carry along (all-or-nothing).</summary>
    public IReadOnlyList<string> Groups => _targets.Values.Select(t => t.Group!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private sealed record Positioned(string Target, long Position, long? Timeline, string? Upstream, TimeSpan At);

    private sealed record Pair(string Primary, long LagBytes, bool Follows, TimeSpan At);
}
