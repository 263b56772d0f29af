using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Mesh.Node.Api;
using Mesh.Node.Cli;
using Mesh.Node.Status;

namespace Mesh.Node.Demo;

/// <summary>
/// <c>health-mesh demo</c>: the product's showcase on this machine. Real PostgreSQL (primary and streaming
/// standby) and Redis (primary and replica), the DigitalOcean stand-in holding the shop's DNS record and
/// droplets, and three <c>health-mesh run</c> processes (nyc1 active, ams3 standby, sfo3 witness). It shows
/// the mesh healthy, kills the whole active region (coordinator included), narrates the failover as the mesh reports it, shows the
/// final state and the history, checks that ams3 now takes writes, and cleans everything up.
/// </summary>
public static class DemoCommand
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(90);

    public static async Task<int> RunAsync(CommandLine cl, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        TimeSpan hold = TimeSpan.Zero;
        if (cl.Option("duration") is { } d)
        {
            if (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1)
            {
                await stderr.WriteLineAsync($"health-mesh: --duration: must be a whole number of seconds, not '{d}'");
                return ExitCodes.Invalid;
            }
            hold = TimeSpan.FromSeconds(seconds);
        }
        var workDir = Path.GetFullPath(cl.Option("workdir") ?? Path.Combine(Directory.GetCurrentDirectory(), ".demo"));
        if (Directory.Exists(workDir)) Directory.Delete(workDir, recursive: true);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        var clock = Stopwatch.StartNew();
        try
        {
            await stdout.WriteLineAsync("== 1. Starting the shop and the mesh on this machine");
            await stdout.WriteLineAsync("   PostgreSQL primary (nyc1) + streaming standby (ams3), Redis primary (nyc1) + replica (ams3), DigitalOcean stand-in,");
            await stdout.WriteLineAsync($"   mesh nodes {string.Join(", ", LocalMeshConfig.Layout.Select(l => $"{l.Node} ({l.Region}, {l.Kind})"))}; configs and logs in {workDir}");
            await using var drill = await FailoverDrill.StartAsync(workDir, stop.Token, coordinatorInActiveRegion: true);
            await drill.WaitReadyAsync(ReadyTimeout, stop.Token);
            await stdout.WriteLineAsync($"   ready after {clock.Elapsed.TotalSeconds:0.0} s: every node Up, nyc1 active and guarded, ams3 eligible");
            await stdout.WriteLineAsync("   nyc1-a formed the cluster, so it hosts the failover coordinator: the outage takes the coordinator down with the region");
            await stdout.WriteLineAsync();

            await stdout.WriteLineAsync($"== 2. The mesh is healthy: health-mesh status --url {drill.Observer.HttpUrl}");
            await StatusCommand.RunAsync(drill.Observer.HttpUrl, drill.ApiToken, json: false, Palette.ForWriter(stdout), stdout, stderr, stop.Token);
            await stdout.WriteLineAsync();

            await stdout.WriteLineAsync("== 3. The whole active region nyc1 dies: SIGKILL to its mesh node (and app server), its PostgreSQL primary and its Redis primary");
            var killedAt = await drill.KillActiveRegionAsync();
            var timeline = await drill.FollowFailoverAsync(killedAt, FailoverTimeout,
                (since, line) => stdout.WriteLine($"   +{since.TotalSeconds,6:0.00} s  {line}"), stop.Token);
            await stdout.WriteLineAsync();

            await stdout.WriteLineAsync($"== 4. Failed over to {FailoverDrill.To}: {timeline}");
            await StatusCommand.RunAsync(drill.Observer.HttpUrl, drill.ApiToken, json: false, Palette.ForWriter(stdout), stdout, stderr, stop.Token);
            await stdout.WriteLineAsync();
            var (history, _) = await drill.Mesh.GetAsync<List<HistoryView>>(drill.Observer, "api/v1/failover/history", stop.Token);
            if (history is not null) await stdout.WriteLineAsync(FailoverTables.History(history));
            await stdout.WriteLineAsync();

            await stdout.WriteLineAsync($"== 5. Checking the shop in {FailoverDrill.To}");
            var problems = await drill.CheckFailedOverAsync(stop.Token);
            foreach (var line in problems.Lines) await stdout.WriteLineAsync($"   {line}");
            if (hold > TimeSpan.Zero)
            {
                await stdout.WriteLineAsync($"   the mesh stays up for {hold.TotalSeconds:0} s (Ctrl-C ends it sooner): health-mesh status --url {drill.Observer.HttpUrl}");
                try { await Task.Delay(hold, stop.Token); } catch (OperationCanceledException) { }
            }
            await stdout.WriteLineAsync();
            await stdout.WriteLineAsync("== 6. Cleaning up (nodes, stand-in, servers)");
            await drill.DisposeAsync();
            await stdout.WriteLineAsync($"   done; the demo took {clock.Elapsed.TotalSeconds:0} s");
            return problems.Ok ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (TimeoutException e)
        {
            await stderr.WriteLineAsync($"health-mesh demo: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("health-mesh demo: stopped; everything it started was cleaned up");
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
