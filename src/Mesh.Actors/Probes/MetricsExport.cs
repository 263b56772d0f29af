using Prometheus;

namespace Mesh.Actors.Probes;

/// <summary>How this process exports metrics; the node and the probe benchmark both call it, so they pay the same.</summary>
public static class MetricsExport
{
    private static int _configured;

    /// <summary>
    /// Keeps the process metrics and drops .NET's meters and event counters: their names break
    /// Prometheus conventions (promtool rejects them), and the meter listener would record every
    /// probe's HTTP request a second time. Must run before the first metric is created.
    /// </summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) == 1) return;
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false, SuppressDebugMetrics = true, SuppressEventCounters = true, SuppressMeters = true,
        });
    }
}
