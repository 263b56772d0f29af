using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Fencing;

/// <summary>
/// What the coordinator gathers for evidence (c) about one stored move away from <see cref="Region"/> (SPEC 6
/// rule 5): every member outside the region seen since the move was stored, when each confirmed it stopped
/// granting to the region under the move's epoch or a later one, and when each was seen removed. Times are the
/// coordinator's monotonic clock; the verdict is <see cref="LeaseExpiryEvidence"/>'s.
/// </summary>
public sealed class LeaseWatch(string region, Epoch epoch, TimeSpan storedAt)
{
    private readonly Dictionary<string, (string Region, TimeSpan? ConfirmedAt, TimeSpan? RemovedAt)> _members = new(StringComparer.Ordinal);
    private bool _confirmedGuarded;

    public string Region { get; } = region;
    public Epoch Epoch { get; } = epoch;
    public TimeSpan StoredAt { get; } = storedAt;

    /// <summary>
    /// The cluster's members now (any status but removed, reachable or not). A member outside the region joins the
    /// watch the first time it is seen: a node that joined after the move, perhaps with an old copy on disk, must
    /// confirm too. One that was seen and is gone now was removed.
    /// </summary>
    public void Members(IEnumerable<ReachableMember> present, TimeSpan now)
    {
        var here = present.Where(m => !string.Equals(m.Region, Region, StringComparison.Ordinal)).ToDictionary(m => m.Node, StringComparer.Ordinal);
        foreach (var m in here.Values)
            if (!_members.TryGetValue(m.Node, out var known)) _members[m.Node] = (m.Region, null, null);
            else if (known.RemovedAt is not null) _members[m.Node] = known with { RemovedAt = null, ConfirmedAt = null };   // back under a new incarnation: confirm again
        foreach (var (node, known) in _members.ToList())
            if (!here.ContainsKey(node) && known.RemovedAt is null) _members[node] = known with { RemovedAt = now };
    }

    /// <summary>A grantor's confirmation; one for another region or an older epoch does not count.</summary>
    public void Stopped(StoppedGranting stop, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(stop);
        if (!string.Equals(stop.Region, Region, StringComparison.Ordinal) || stop.Epoch < Epoch) return;
        if (string.Equals(stop.GrantorRegion, Region, StringComparison.Ordinal)) return;
        _confirmedGuarded |= stop.RegionGuarded;
        var known = _members.TryGetValue(stop.Grantor, out var k) ? k : (stop.GrantorRegion, null, null);
        if (known.ConfirmedAt is null) _members[stop.Grantor] = known with { ConfirmedAt = now };
    }

    /// <param name="guardedWhenLastHeard">
    /// What the coordinator's own guard reports say; null when it has none from the region (it took over after the
    /// region went silent): then the grantors' word, passed on with their stops, decides.
    /// </param>
    public ExpiryVerdict Evaluate(bool? guardedWhenLastHeard, bool advisoryFence, TimeSpan now, LeaseSettings settings) =>
        LeaseExpiryEvidence.Evaluate(
            new ExpiryFacts(Region, StoredAt, _members.Select(kv => new OutsideMember(kv.Key, kv.Value.Region, kv.Value.ConfirmedAt, kv.Value.RemovedAt)).ToList(),
                guardedWhenLastHeard ?? _confirmedGuarded, advisoryFence),
            now, settings);
}
