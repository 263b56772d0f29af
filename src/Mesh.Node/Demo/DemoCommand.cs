using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mesh.Node.Cli;
using Mesh.Node.Status;

namespace Mesh.Node.Demo;

/// <summary>
/// <c>health-mesh demo</c>: a three-region mesh of real node processes on this machine. For now it
/// forms the cluster, shows it, and stops the nodes cleanly on Ctrl-C (or after --duration).
/// </summary>
public static class DemoCommand
{
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(CommandLine cl, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        TimeSpan? duration = null;
        if (cl.Option("duration") is { } d)
        {
            if (!int.TryParse(d, out var seconds) || seconds < 1)
            {
                await stderr.WriteLineAsync($"health-mesh: --duration: must be a whole number of seconds, not '{d}'");
                return ExitCodes.Invalid;
            }
            duration = TimeSpan.FromSeconds(seconds);
        }
        var workDir = Path.GetFullPath(cl.Option("workdir") ?? Path.Combine(Directory.GetCurrentDirectory(), ".demo"));
        if (Directory.Exists(workDir)) Directory.Delete(workDir, recursive: true);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        try
        {
            await using var digitalOcean = await DemoDigitalOcean.StartAsync(stop.Token);
            await stdout.WriteLineAsync($"DigitalOcean stand-in at {digitalOcean.StandIn.BaseAddress} " +
                $"({LocalMeshConfig.RecordName}.{LocalMeshConfig.Domain} A {LocalMeshConfig.RegionValues["nyc1"]}: nyc1 is active)");
            await using var mesh = LocalMesh.Create(workDir, LocalMeshTimings.Fast, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), digitalOcean.Endpoint);
            await stdout.WriteLineAsync($"Starting a three-region mesh on this machine: {string.Join(", ", LocalMeshConfig.Layout.Select(l => $"{l.Node} ({l.Region}, {l.Kind})"))}");
            await stdout.WriteLineAsync($"configs and logs: {workDir}");
            var clock = Stopwatch.StartNew();
            mesh.StartAll();
            try
            {
                await mesh.WaitForAsync(mesh.Nodes, v => v.Members.Count(m => m.Status == "Up") == mesh.Nodes.Count && v.Coordinator is not null, FormationTimeout, stop.Token);
            }
            catch (TimeoutException e)
            {
                await stderr.WriteLineAsync($"health-mesh demo: {e.Message}");
                return ExitCodes.Failure;
            }
            await stdout.WriteLineAsync($"Cluster formed in {clock.Elapsed.TotalSeconds:0.0} s. health-mesh status --url {mesh.Nodes[0].HttpUrl}:");
            await stdout.WriteLineAsync();
            var view = await mesh.ViewAsync(mesh.Nodes[0], stop.Token);
            if (view is not null) await stdout.WriteLineAsync(ClusterTable.Render(view));
            await stdout.WriteLineAsync();
            await stdout.WriteLineAsync(duration is null ? "Press Ctrl-C to stop the mesh." : $"Stopping the mesh in {duration.Value.TotalSeconds:0} s (Ctrl-C stops it now).");
            try
            {
                await Task.Delay(duration ?? Timeout.InfiniteTimeSpan, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            await stdout.WriteLineAsync("Stopping the nodes (SIGTERM: each leaves the cluster, then exits)...");
            var failures = 0;
            foreach (var node in mesh.Nodes.Reverse())
            {
                var code = await mesh.StopAsync(node, StopTimeout);
                await stdout.WriteLineAsync($"  {node.Name}: {(code is null ? "did not stop in time, killed" : $"exited with {code}")}");
                if (code != 0) failures++;
            }
            return failures == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
