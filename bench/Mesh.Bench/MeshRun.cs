using System.Text.RegularExpressions;
using Akka.Actor;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using Prometheus;

namespace Mesh.Bench;

/// <summary>N real ProbeActors with real HttpProbes, as a node runs them, at Interval 1 s.</summary>
public static partial class MeshRun
{
    private static readonly ProbeSettings Settings = new(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(3), 2, 3, TimeSpan.Zero);

    public static async Task<RunResult> RunAsync(int n, int port, TimeSpan warm, TimeSpan measure)
    {
        MetricsExport.Configure();   // as the node does
        var sampler = new Sampler();
        var heap0 = Sampler.Heap();
        var ws0 = sampler.WorkingSet();
        using var system = ActorSystem.Create("bench", "akka.loglevel = WARNING");
        var counter = new CheckCounter();
        var sink = system.ActorOf(Props.Create(() => new Sink(counter)));
        var url = new Uri($"http://127.0.0.1:{port}/health");
        var factory = new HttpFactory(url);
        for (var i = 0; i < n; i++)
        {
            var target = new TargetOptions { Id = $"t{i}", Kind = TargetKinds.Http, Region = "nyc1", Url = url.ToString() };
            system.ActorOf(ProbeActor.Props("nyc1", target, Settings, factory, sink));
        }
        await Task.Delay(warm);

        var heap = Sampler.Heap();
        var ws = sampler.WorkingSet();
        var lateness0 = await LatenessCountsAsync();
        var (checks0, failed0) = counter.Read();
        sampler.Start();
        await Task.Delay(measure);
        var (cpu, wall) = sampler.Stop();
        var (checks1, failed1) = counter.Read();
        var lateness = (await LatenessCountsAsync()).Zip(lateness0, (a, b) => a - b).ToArray();
        await system.Terminate();

        return new RunResult("mesh", n, (checks1 - checks0) / wall.TotalSeconds, (failed1 - failed0) / wall.TotalSeconds, cpu,
            (double)(heap - heap0) / n, (double)(ws - ws0) / n, LatenessHistogram.QuantileMs(lateness, 0.5), LatenessHistogram.QuantileMs(lateness, 0.99));
    }

    [GeneratedRegex("""^mesh_probe_tick_lateness_seconds_bucket\{le="([^"]+)"\} (\d+)""", RegexOptions.Multiline)]
    private static partial Regex Bucket();

    /// <summary>The tick lateness histogram's counts per bucket (not cumulative), read from the metrics export.</summary>
    private static async Task<long[]> LatenessCountsAsync()
    {
        using var stream = new MemoryStream();
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(stream);
        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        var cumulative = Bucket().Matches(text).Select(m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return cumulative.Select((c, i) => i == 0 ? c : c - cumulative[i - 1]).ToArray();
    }

    private sealed class HttpFactory(Uri url) : IProbeFactory
    {
        public IProbe Create(TargetOptions target) => new HttpProbe(url, null, null, Settings);
    }

    private sealed class CheckCounter
    {
        private long _checks;
        private long _failed;
        public void Count(bool failed)
        {
            Interlocked.Increment(ref _checks);
            if (failed) Interlocked.Increment(ref _failed);
        }
        public (long Checks, long Failed) Read() => (Interlocked.Read(ref _checks), Interlocked.Read(ref _failed));
    }

    private sealed class Sink : ReceiveActor
    {
        public Sink(CheckCounter counter) => Receive<TargetObserved>(o => counter.Count(o.Error is not null));
    }
}
