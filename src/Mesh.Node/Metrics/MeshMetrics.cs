using Akka.Actor;
using Akka.Cluster;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using Prometheus;

namespace Mesh.Node.Metrics;

/// <summary>
/// The gauges of SPEC section 5 that describe state rather than events, set from this node's copy of
/// every observation (so any node exports the whole picture) and from its view of the cluster, just
/// before each scrape. Alert rules aggregate across nodes with max or min by (target, vantage).
/// </summary>
public sealed class MeshMetrics : IDisposable
{
    private static readonly Gauge TargetUp = Prometheus.Metrics.CreateGauge(
        "mesh_target_up", "1 when the target is healthy from the vantage region, 0 when unhealthy; absent while unknown.",
        new GaugeConfiguration { LabelNames = ["target", "kind", "region", "vantage"] });

    private static readonly Gauge ReplicationLag = Prometheus.Metrics.CreateGauge(
        "mesh_replication_lag_bytes", "A standby's distance behind its group primary, from the vantage's latest observations of both.",
        new GaugeConfiguration { LabelNames = ["target", "vantage"] });

    private static readonly Gauge ClusterMembers = Prometheus.Metrics.CreateGauge(
        "mesh_cluster_members", "Cluster members by status, as this node sees them.",
        new GaugeConfiguration { LabelNames = ["status"] });

    private static readonly Gauge UnreachableMembers = Prometheus.Metrics.CreateGauge(
        "mesh_cluster_unreachable_members", "Members this node's failure detector (or the gossip it merged) marks unreachable, by region.",
        new GaugeConfiguration { LabelNames = ["region"] });

    private readonly MeshOptions _options;
    private readonly ObservationStore _store;
    private readonly IServiceProvider _services;

    // The actor system is looked up at scrape time: it exists only once the host has started.
    public MeshMetrics(MeshOptions options, ObservationStore store, IServiceProvider services)
    {
        _options = options;
        _store = store;
        _services = services;
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(Update);
    }

    private volatile bool _disposed;

    // The registry is process-wide and cannot forget a callback: a stopped node's must do nothing.
    public void Dispose() => _disposed = true;

    private void Update()
    {
        if (_disposed) return;
        var states = _store.All.ToDictionary(o => (o.Vantage, o.TargetId), o => (ProbeState?)new ProbeState(o, []));
        foreach (var target in _options.Targets)
        {
            var view = TargetViews.Build(_options, target, states);
            foreach (var v in view.Views)
            {
                if (v.Status == ProbeStatus.Unknown) TargetUp.RemoveLabelled(target.Id!, target.Kind!, target.Region!, v.Vantage);
                else TargetUp.WithLabels(target.Id!, target.Kind!, target.Region!, v.Vantage).Set(v.Status == ProbeStatus.Healthy ? 1 : 0);
                if (v.Details.LagBytes is { } lag) ReplicationLag.WithLabels(target.Id!, v.Vantage).Set(lag);
                else ReplicationLag.RemoveLabelled(target.Id!, v.Vantage);
            }
        }
        if (_services.GetService<ActorSystem>() is not { } system) return;
        var state = Cluster.Get(system).State;
        var members = state.Members;
        foreach (var status in Enum.GetValues<MemberStatus>())
            ClusterMembers.WithLabels(status.ToString()).Set(members.Count(m => m.Status == status));
        foreach (var region in _options.Regions)
            UnreachableMembers.WithLabels(region.Name!).Set(state.Unreachable.Count(m => Mesh.Actors.Hosting.ClusterRoles.RegionOf(m) == region.Name));
    }
}
