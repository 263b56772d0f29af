using System.Diagnostics;

namespace Mesh.Bench;

/// <summary>CPU and memory of this process over a measured window.</summary>
public sealed class Sampler
{
    private readonly Process _self = Process.GetCurrentProcess();
    private TimeSpan _cpu0;
    private Stopwatch _wall = new();
    private (int Gen0, int Gen1, int Gen2, TimeSpan Pause, long Allocated) _gc0;

    private static (int Gen0, int Gen1, int Gen2, TimeSpan Pause, long Allocated) Gc() =>
        (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());

    public static long Heap() => GC.GetTotalMemory(forceFullCollection: true);

    public long WorkingSet()
    {
        _self.Refresh();
        return _self.WorkingSet64;
    }

    public void Start()
    {
        _self.Refresh();
        _cpu0 = _self.TotalProcessorTime;
        _gc0 = Gc();
        _wall = Stopwatch.StartNew();
    }

    /// <summary>CPU time used since Start as a fraction of one core, and the elapsed wall time.</summary>
    public (double CpuFraction, TimeSpan Wall) Stop()
    {
        _self.Refresh();
        var wall = _wall.Elapsed;
        var gc = Gc();
        // Diagnostics on stderr (the driver reads results from stdout): where the CPU beyond the sockets went.
        Console.Error.WriteLine($"  gc: gen0 {gc.Gen0 - _gc0.Gen0}, gen1 {gc.Gen1 - _gc0.Gen1}, gen2 {gc.Gen2 - _gc0.Gen2}, " +
            $"paused {(gc.Pause - _gc0.Pause).TotalMilliseconds:0} ms, allocated {(gc.Allocated - _gc0.Allocated) / wall.TotalSeconds / 1e6:0.0} MB/s");
        return ((_self.TotalProcessorTime - _cpu0).TotalSeconds / wall.TotalSeconds, wall);
    }
}

/// <summary>Lateness samples in fixed buckets (the same as mesh_probe_tick_lateness_seconds), with interpolated percentiles.</summary>
public sealed class LatenessHistogram
{
    public static readonly double[] Bounds = [0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, double.PositiveInfinity];
    private readonly long[] _counts = new long[Bounds.Length];

    public void Observe(double seconds)
    {
        var i = Array.FindIndex(Bounds, b => seconds <= b);
        Interlocked.Increment(ref _counts[i]);
    }

    public long[] Snapshot() => _counts.Select(c => Interlocked.Read(ref c)).ToArray();

    /// <summary>The q-quantile in milliseconds of the counts (cumulative per bucket, not cumulative across), interpolated within its bucket.</summary>
    public static double QuantileMs(long[] counts, double q)
    {
        var total = counts.Sum();
        if (total == 0) return 0;
        var rank = q * total;
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (seen + counts[i] >= rank)
            {
                var lower = i == 0 ? 0 : Bounds[i - 1];
                var upper = double.IsInfinity(Bounds[i]) ? lower * 2 : Bounds[i];
                var within = counts[i] == 0 ? 0 : (rank - seen) / counts[i];
                return (lower + (upper - lower) * within) * 1000;
            }
            seen += counts[i];
        }
        return Bounds[^2] * 1000;
    }
}
