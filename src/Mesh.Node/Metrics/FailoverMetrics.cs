using Akka.Hosting;
using Mesh.Actors.Failover;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;
using Prometheus;

namespace Mesh.Node.Metrics;

/// <summary>
/// The failover metrics of SPEC section 5, from the coordinator (wherever it runs) just before each scrape.
/// When it does not answer in time the gauges keep their last values rather than invent new ones.
/// </summary>
public sealed class FailoverMetrics : IDisposable
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);

    private static readonly Gauge RegionVerdict = Prometheus.Metrics.CreateGauge(
        "mesh_region_verdict", "A vantage region's vote on a region in the coordinator's latest poll round: 1 up, 0 down, -1 unknown.",
        new GaugeConfiguration { LabelNames = ["region", "vantage"] });

    private static readonly Gauge ActiveRegion = Prometheus.Metrics.CreateGauge(
        "mesh_active_region", "1 for the region the stored failover state names active, 0 for the others.",
        new GaugeConfiguration { LabelNames = ["region"] });

    private static readonly Gauge Epoch = Prometheus.Metrics.CreateGauge(
        "mesh_failover_epoch", "The epoch counter of the latest failover decision.");

    private static readonly Counter Moves = Prometheus.Metrics.CreateCounter(
        "mesh_failovers_total", "Failover decisions recorded in the history, by kind.",
        new CounterConfiguration { LabelNames = ["kind"] });

    private static readonly Gauge Phase = Prometheus.Metrics.CreateGauge(
        "mesh_failover_phase", "1 for the coordinator's current phase (idle, suspect, fencing, promoting, switching-dns, completed, blocked), 0 for the others.",
        new GaugeConfiguration { LabelNames = ["phase"] });

    private static readonly Gauge Guarded = Prometheus.Metrics.CreateGauge(
        "mesh_failover_guarded", "1 while a fence-ready node of the active region holds a write lease (SPEC 6 rule 4), else 0.");

    private static readonly Gauge Paused = Prometheus.Metrics.CreateGauge(
        "mesh_failover_paused", "1 while automatic failover is paused by an operator.");

    private static readonly Gauge MaxLag = Prometheus.Metrics.CreateGauge(
        "mesh_failover_max_lag_bytes", "Failover.MaxLagBytes: the most a standby may lag and still be promoted (the bound the lag alert compares with).");

    private readonly IServiceProvider _services;
    private volatile bool _disposed;

    public FailoverMetrics(IServiceProvider services)
    {
        _services = services;
        Prometheus.Metrics.DefaultRegistry.AddBeforeCollectCallback(UpdateAsync);
    }

    // The registry is process-wide and cannot forget a callback: a stopped node's must do nothing.
    public void Dispose() => _disposed = true;

    private async Task UpdateAsync(CancellationToken ct)
    {
        if (_disposed || _services.GetService<ActorRegistry>() is not { } registry || !registry.TryGet<FailoverCoordinator>(out var coordinator)) return;
        var status = await coordinator.AskOrNullAsync<FailoverStatus>(GetFailoverStatus.Instance, AskTimeout, ct);
        var regions = await coordinator.AskOrNullAsync<RegionsView>(GetRegions.Instance, AskTimeout, ct);
        var history = await coordinator.AskOrNullAsync<FailoverHistory>(GetFailoverHistory.Instance, AskTimeout, ct);
        if (_services.GetService<MeshOptions>() is { } options) MaxLag.Set(options.Failover.MaxLagBytes);
        if (status is not null)
        {
            Epoch.Set(status.Epoch);
            foreach (var phase in Phases.All) Phase.WithLabels(phase).Set(phase == status.Phase ? 1 : 0);
            Guarded.Set(status.Guarded ? 1 : 0);
            Paused.Set(status.Paused ? 1 : 0);
            foreach (var region in regions?.Regions ?? []) ActiveRegion.WithLabels(region.Name).Set(region.Name == status.ActiveRegion ? 1 : 0);
        }
        foreach (var region in regions?.Regions ?? [])
        foreach (var vote in region.Verdicts)
            RegionVerdict.WithLabels(region.Name, vote.Vantage).Set(vote.Verdict switch { Verdicts.Up => 1, Verdicts.Down => 0, _ => -1 });
        foreach (var kind in history?.Entries.GroupBy(h => h.Kind) ?? [])
            Moves.WithLabels(kind.Key).IncTo(kind.Count());
    }
}
