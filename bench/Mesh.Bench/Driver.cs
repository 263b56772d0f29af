using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Bench;

/// <summary>
/// Runs the server and each measured run in their own processes, one after the other, bare and mesh
/// alternating BENCH_REPEAT times (the machine's noise hits both alike), and prints every run and the medians.
/// </summary>
public static class Driver
{
    private static readonly int WarmSeconds = Setting("BENCH_WARM", 20);
    private static readonly int MeasureSeconds = Setting("BENCH_MEASURE", 30);
    private static readonly int Repeat = Setting("BENCH_REPEAT", 3);

    internal static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : fallback;

    public static async Task<int> RunAsync(int[] sizes)
    {
        var self = Environment.ProcessPath!;
        var results = new List<RunResult>();
        foreach (var n in sizes)
        for (var round = 1; round <= Repeat; round++)
        foreach (var mode in new[] { "bare", "mesh" })
        {
            var port = FreePort();
            using var server = Start(self, "serve", port.ToString(CultureInfo.InvariantCulture));
            await server.StandardOutput.ReadLineAsync();   // READY
            Console.Error.WriteLine($"{mode} with {n} targets, round {round}/{Repeat}: {WarmSeconds} s warm-up, {MeasureSeconds} s measured...");
            using var run = Start(self, mode, n.ToString(CultureInfo.InvariantCulture), port.ToString(CultureInfo.InvariantCulture),
                WarmSeconds.ToString(CultureInfo.InvariantCulture), MeasureSeconds.ToString(CultureInfo.InvariantCulture));
            string? line;
            while ((line = await run.StandardOutput.ReadLineAsync()) is not null)
                if (RunResult.Parse(line) is { } r) results.Add(r);
            await run.WaitForExitAsync();
            server.Kill();
            await server.WaitForExitAsync();
        }

        Console.WriteLine($"{"targets",7} {"run",5} {"checks/s",9} {"failed/s",9} {"cpu(core)",9} {"heap/probe",11} {"rss/probe",10} {"late p50",9} {"late p99",9}");
        foreach (var r in results)
            Console.WriteLine($"{r.Targets,7} {r.Mode,5} {r.ChecksPerSecond,9:0} {r.FailedPerSecond,9:0.0} {r.CpuFraction,9:0.000} {r.HeapBytesPerProbe / 1024,8:0.0} KB {r.WorkingSetBytesPerProbe / 1024,7:0.0} KB {r.LatenessP50Ms,6:0.0} ms {r.LatenessP99Ms,6:0.0} ms");
        foreach (var n in sizes)
        {
            var bare = results.Where(r => r.Targets == n && r.Mode == "bare").ToList();
            var mesh = results.Where(r => r.Targets == n && r.Mode == "mesh").ToList();
            Console.WriteLine($"{n} targets, median of {mesh.Count}: mesh {Median(mesh, r => r.CpuFraction):0.000} of a core " +
                $"(range {mesh.Min(r => r.CpuFraction):0.000}-{mesh.Max(r => r.CpuFraction):0.000}), bare loop {Median(bare, r => r.CpuFraction):0.000} " +
                $"(range {bare.Min(r => r.CpuFraction):0.000}-{bare.Max(r => r.CpuFraction):0.000}), ratio {Median(mesh, r => r.CpuFraction) / Median(bare, r => r.CpuFraction):0.00}x; " +
                $"mesh p99 lateness {Median(mesh, r => r.LatenessP99Ms):0.0} ms (worst {mesh.Max(r => r.LatenessP99Ms):0.0} ms)");
        }
        return 0;
    }

    private static double Median(List<RunResult> runs, Func<RunResult, double> value) => Medians.Of(runs.Select(value));

    private static Process Start(string exe, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
