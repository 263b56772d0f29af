using System.Globalization;
using Mesh.Node.Demo;

namespace Mesh.Bench;

/// <summary>
/// Failover time on real parts (bench/failover.sh): the end-to-end test's drill, BENCH_REPEAT times (default 5),
/// each with fresh servers, stand-in and nodes; prints every run's phases and their medians and ranges.
/// </summary>
public static class FailoverBench
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(CancellationToken ct)
    {
        var repeat = Driver.Setting("BENCH_REPEAT", 5);
        var t = LocalMeshTimings.Fast;
        Console.WriteLine($"Failover of a crashed PostgreSQL primary (SIGKILL of its postmaster), {FailoverDrill.From} -> {FailoverDrill.To}: " +
            $"Probes Interval {S(LocalMeshConfig.ProbeInterval.TotalSeconds)}, Fall {LocalMeshConfig.ProbeFall}, Quorum {LocalMeshConfig.Quorum}, PowerOffDroplets; " +
            $"cluster heartbeat {S(t.HeartbeatInterval.TotalSeconds)}, pause {S(t.AcceptableHeartbeatPause.TotalSeconds)}, StableAfter {S(t.StableAfter.TotalSeconds)}");
        Console.WriteLine("detection: kill -> the first poll round with Quorum regions voting it down; decision: -> the history entry's at; " +
                          "fence, promote-pg, promote-redis, dns: the steps' durationMs; between-steps: the majority writes around the steps; total: kill -> the DNS step's end (records read back)");
        var runs = new List<FailoverTimeline>();
        for (var run = 1; run <= repeat; run++)
        {
            var workDir = Path.Combine(Path.GetTempPath(), "mesh-failover-bench", $"{DateTime.UtcNow:yyyyMMddHHmmss}-{run}");
            Console.Error.WriteLine($"run {run}/{repeat}: PostgreSQL, Redis, the DigitalOcean stand-in and three nodes in {workDir}...");
            await using (var drill = await FailoverDrill.StartAsync(workDir, ct))
            {
                await drill.WaitReadyAsync(ReadyTimeout, ct);
                var timeline = await drill.CrashPrimaryAsync(FailoverTimeout, ct);
                runs.Add(timeline);
                Console.Error.WriteLine($"run {run}/{repeat}: {timeline}");
                if (Environment.GetEnvironmentVariable("BENCH_TRACE") is { Length: > 0 })
                    foreach (var line in timeline.Trace) Console.Error.WriteLine("  " + line);
            }
            // A failed run throws above and keeps its folder (configs and node logs) for a look.
            Directory.Delete(workDir, recursive: true);
        }

        var names = runs[0].Parts.Select(p => p.Name).ToList();
        Console.WriteLine(string.Join(' ', new[] { "run".PadRight(7) }.Concat(names.Select(n => n.PadLeft(14)))));
        for (var i = 0; i < runs.Count; i++)
            Console.WriteLine(string.Join(' ', new[] { (i + 1).ToString(CultureInfo.InvariantCulture).PadRight(7) }.Concat(runs[i].Parts.Select(p => Cell(p.Seconds)))));
        var columns = names.Select(n => runs.Select(r => r.Parts.Single(p => p.Name == n).Seconds).OfType<double>().ToList()).ToList();
        Console.WriteLine(string.Join(' ', new[] { "median".PadRight(7) }.Concat(columns.Select(c => Cell(c.Count == 0 ? null : Medians.Of(c))))));
        Console.WriteLine(string.Join(' ', new[] { "range".PadRight(7) }.Concat(columns.Select(c => (c.Count == 0 ? "n/a" : $"{S(c.Min())}-{S(c.Max())}").PadLeft(14)))));
        Console.WriteLine($"median total {S(Medians.Of(runs.Select(r => r.Total.TotalSeconds)))} s over {runs.Count} runs (goal: under 5 s)");
        return 0;
    }

    private static string Cell(double? seconds) => (seconds is { } s ? S(s) : "n/a").PadLeft(14);

    private static string S(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);
}
