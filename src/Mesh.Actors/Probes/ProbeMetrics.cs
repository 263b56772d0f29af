using Prometheus;

namespace Mesh.Actors.Probes;

/// <summary>The probe metrics measured where the check runs (SPEC section 5).</summary>
public static class ProbeMetrics
{
    public static readonly Histogram Duration = Metrics.CreateHistogram(
        "mesh_probe_duration_seconds", "How long one check of a target took, from one vantage.",
        new HistogramConfiguration { LabelNames = ["target", "vantage"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });

    public static readonly Histogram TickLateness = Metrics.CreateHistogram(
        "mesh_probe_tick_lateness_seconds", "How late a probe's timer fired against its schedule.",
        new HistogramConfiguration { Buckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2] });

    public static readonly Counter SkippedTicks = Metrics.CreateCounter(
        "mesh_probe_skipped_ticks_total", "Ticks skipped because the previous check of the target was still running.",
        new CounterConfiguration { LabelNames = ["target", "vantage"] });
}
