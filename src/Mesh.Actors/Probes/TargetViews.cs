using Mesh.Contracts.Api;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// Builds the API's target views from the probe states gathered from every vantage. Pure. Lag is
/// computed here, per vantage, from the standby's and its group primary's latest observations.
/// </summary>
public static class TargetViews
{
    public static TargetView Build(MeshOptions options, TargetOptions target, IReadOnlyDictionary<(string Vantage, string Target), ProbeState?> states)
    {
        var views = options.Regions.Select(r => Vantage(options, target, r.Name!, states)).ToList();
        return new TargetView(target.Id!, target.Kind!, target.Region!, target.Group, target.Critical, views);
    }

    public static TargetDetailView BuildDetail(MeshOptions options, TargetOptions target, IReadOnlyDictionary<(string Vantage, string Target), ProbeState?> states)
    {
        var view = Build(options, target, states);
        var history = options.Regions
            .SelectMany(r => states.GetValueOrDefault((r.Name!, target.Id!))?.History.Select(h => new HistoryEntry(r.Name!, h.At, h.Status, h.LatencyMs, h.Error)) ?? [])
            .OrderByDescending(h => h.At).ToList();
        return new TargetDetailView(view.Id, view.Kind, view.Region, view.Group, view.Critical, view.Views, history);
    }

    private static VantageView Vantage(MeshOptions options, TargetOptions target, string vantage, IReadOnlyDictionary<(string, string), ProbeState?> states)
    {
        if (states.GetValueOrDefault((vantage, target.Id!)) is not { } state)
            return new VantageView(vantage, ProbeStatus.Unknown, null, null, null, 0, $"no answer from vantage {vantage} (no Up node there, or it did not answer in time)", Details(ProbeFacts.None, null, null));
        var o = state.Observed;
        var primary = o.Facts.Role == ServerRoles.Standby ? PrimaryOf(options, target, vantage, states) : null;
        return new VantageView(vantage, o.Status, o.Since, o.LastCheck, o.LatencyMs, o.ConsecutiveFailures, o.Error, Details(o.Facts, o, primary));
    }

    /// <summary>The group member that this vantage last saw as primary, if any.</summary>
    private static TargetObserved? PrimaryOf(MeshOptions options, TargetOptions target, string vantage, IReadOnlyDictionary<(string, string), ProbeState?> states) =>
        target.Group is null ? null : options.Targets
            .Where(t => t.Group == target.Group && t.Id != target.Id)
            .Select(t => states.GetValueOrDefault((vantage, t.Id!))?.Observed)
            .FirstOrDefault(o => o is { Facts.Role: ServerRoles.Primary, Facts.WritePosition: not null });

    private static TargetDetails Details(ProbeFacts f, TargetObserved? self, TargetObserved? primary)
    {
        long? Lag(long? position) => primary?.Facts.WritePosition is { } write && position is { } p ? Math.Max(0, write - p) : null;
        return new TargetDetails(f.Role, Lag(f.ReplayPosition), f.LagSeconds, Lag(f.ReceivePosition), null, null, f.Timeline,
            f.WritePosition, f.ReceivePosition, f.ReplayPosition, f.ReplayPaused, f.UpstreamStatus, f.Replicas,
            primary is null ? null : new LagBasis(primary.TargetId, primary.LastCheck, self?.LastCheck),
            f.LoadBalancerStatus, f.LoadBalancerStatusAt, f.HttpStatus);
    }
}
