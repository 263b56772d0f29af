using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Fencing;

/// <summary>
/// The coordinator's view of the guards: each node's latest <see cref="GuardReport"/>, dated on the coordinator's
/// monotonic clock when it arrived. A report counts as current for <c>freshFor</c> (a few RenewIntervals); a
/// guard that stopped reporting is no longer counted as guarding.
/// </summary>
public sealed class GuardBoard(TimeSpan freshFor)
{
    private readonly Dictionary<string, (GuardReport Report, TimeSpan At)> _latest = new(StringComparer.Ordinal);

    public void Record(GuardReport report, TimeSpan at)
    {
        ArgumentNullException.ThrowIfNull(report);
        _latest[report.Node] = (report, at);
    }

    /// <summary>The nodes of <paramref name="region"/> whose guards hold a lease now (the API's <c>leaseHolders</c>).</summary>
    public IReadOnlyList<string> Holders(string region, TimeSpan now) =>
        Fresh(region, now).Where(r => r.Guarding && r.HoldsLease && !r.Released).Select(r => r.Node).Order(StringComparer.Ordinal).ToList();

    /// <summary>A fence-ready guard of <paramref name="region"/> holds a lease now (the API's <c>guarded</c>).</summary>
    public bool Guarded(string region, TimeSpan now) => Fresh(region, now).Any(r => r.Guards);

    /// <summary>
    /// Evidence (c)'s last clause: when the coordinator last heard from <paramref name="region"/>, a fence-ready
    /// guard of it held a lease. "Then" is the reports within freshFor of the region's latest one, so a region
    /// cut off keeps the view it had when it went silent.
    /// </summary>
    /// <returns>Null when no guard of the region ever reported to this coordinator.</returns>
    public bool? GuardedWhenLastHeard(string region)
    {
        var reports = Of(region).ToList();
        if (reports.Count == 0) return null;
        var last = reports.Max(r => r.At);
        return reports.Any(r => r.At >= last - freshFor && r.Report.Guards);
    }

    /// <summary>
    /// The newest epoch under which a guard of <paramref name="region"/> fenced its own region, if no older than
    /// <paramref name="stored"/> (the epoch of the last decision that opened the region: a fence under an older one
    /// was lifted since); null when none did. Reports of any age count: a guard that fenced and then died left its fence in place.
    /// </summary>
    public Epoch? SelfFenced(string region, Epoch stored)
    {
        var fences = Of(region).Select(r => r.Report.FencedUnder).OfType<Epoch>().Where(e => e >= stored).ToList();
        return fences.Count == 0 ? null : fences.Max();
    }

    /// <summary>Every report, for the status: which nodes guard and why not.</summary>
    public IReadOnlyList<GuardReport> Current(TimeSpan now) => _latest.Values.Where(v => now - v.At <= freshFor).Select(v => v.Report).ToList();

    private IEnumerable<(GuardReport Report, TimeSpan At)> Of(string region) =>
        _latest.Values.Where(v => string.Equals(v.Report.Region, region, StringComparison.Ordinal));

    private IEnumerable<GuardReport> Fresh(string region, TimeSpan now) =>
        Of(region).Where(v => now - v.At <= freshFor).Select(v => v.Report);
}
