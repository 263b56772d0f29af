using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Bench;

/// <summary>Runs the server and each measured run in their own processes, one after the other, and prints the comparison.</summary>
public static class Driver
{
    private static readonly int WarmSeconds = Seconds("BENCH_WARM", 20);
    private static readonly int MeasureSeconds = Seconds("BENCH_MEASURE", 30);

    private static int Seconds(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var s) && s > 0 ? s : fallback;

    public static async Task<int> RunAsync(int[] sizes)
    {
        var self = Environment.ProcessPath!;
        var results = new List<RunResult>();
        foreach (var n in sizes)
        foreach (var mode in new[] { "bare", "mesh" })
        {
            var port = FreePort();
            using var server = Start(self, "serve", port.ToString(CultureInfo.InvariantCulture));
            await server.StandardOutput.ReadLineAsync();   // READY
            Console.Error.WriteLine($"{mode} with {n} targets: {WarmSeconds} s warm-up, {MeasureSeconds} s measured...");
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
            var bare = results.Single(r => r.Targets == n && r.Mode == "bare");
            var mesh = results.Single(r => r.Targets == n && r.Mode == "mesh");
            Console.WriteLine($"{n} targets: mesh uses {mesh.CpuFraction:0.000} of a core, {mesh.CpuFraction / bare.CpuFraction:0.00}x the bare loop; p99 lateness {mesh.LatenessP99Ms:0.0} ms");
        }
        return 0;
    }

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
