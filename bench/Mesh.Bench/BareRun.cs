using System.Diagnostics;

namespace Mesh.Bench;

/// <summary>The floor: N loops, each with its own HttpClient and a 1 s PeriodicTimer, doing only the GET.</summary>
public static class BareRun
{
    public static async Task<RunResult> RunAsync(int n, int port, TimeSpan warm, TimeSpan measure)
    {
        var sampler = new Sampler();
        var heap0 = Sampler.Heap();
        var ws0 = sampler.WorkingSet();
        var url = new Uri($"http://127.0.0.1:{port}/health");
        var lateness = new LatenessHistogram();
        long checks = 0, failed = 0;
        var measuring = false;
        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, n).Select(_ => Task.Run(async () =>
        {
            using var client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(3), MaxConnectionsPerServer = 2 });
            await Task.Delay(Random.Shared.Next(1000), stop.Token);   // the same spread of first checks as the probes
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            var due = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                var now = Stopwatch.GetTimestamp();
                if (Volatile.Read(ref measuring)) lateness.Observe(Math.Max(0, (double)(now - due) / Stopwatch.Frequency));
                due += Stopwatch.Frequency;
                try
                {
                    using var cts = new CancellationTokenSource(800);
                    using var response = await client.GetAsync(url, cts.Token);
                    if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failed);
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                }
                Interlocked.Increment(ref checks);
            }
        }, stop.Token)).ToList();
        await Task.Delay(warm);

        var heap = Sampler.Heap();
        var ws = sampler.WorkingSet();
        var (c0, f0) = (Interlocked.Read(ref checks), Interlocked.Read(ref failed));
        Volatile.Write(ref measuring, true);
        sampler.Start();
        await Task.Delay(measure);
        var (cpu, wall) = sampler.Stop();
        var (c1, f1) = (Interlocked.Read(ref checks), Interlocked.Read(ref failed));
        var counts = lateness.Snapshot();
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
        }
        return new RunResult("bare", n, (c1 - c0) / wall.TotalSeconds, (f1 - f0) / wall.TotalSeconds, cpu,
            (double)(heap - heap0) / n, (double)(ws - ws0) / n, LatenessHistogram.QuantileMs(counts, 0.5), LatenessHistogram.QuantileMs(counts, 0.99));
    }
}
