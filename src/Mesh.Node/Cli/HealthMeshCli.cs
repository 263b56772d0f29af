using Mesh.Contracts.Configuration;
using Mesh.Node.Configuration;
using Mesh.Node.Demo;
using Mesh.Node.Status;

namespace Mesh.Node.Cli;

/// <summary>The program's commands (SPEC section 2). Bad input is a line on stderr and exit 2, never a stack trace.</summary>
public static class HealthMeshCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct = default)
    {
        var (parsed, error) = CommandLine.Parse(args);
        if (parsed is null)
        {
            await stderr.WriteLineAsync($"health-mesh: {error}");
            await stderr.WriteLineAsync(CommandLine.Usage);
            return ExitCodes.Invalid;
        }
        try
        {
            return parsed.Command switch
            {
                "help" => await Help(stdout),
                "validate" => Validate(parsed, stdout, stderr),
                "run" => await Run(parsed, stdout, stderr),
                "status" => await StatusCommand.RunAsync(parsed.Option("url"), parsed.Option("token"), parsed.Flag("json"),
                    Palette.ForWriter(stdout, parsed.Flag("no-color")), stdout, stderr, ct),
                "demo" => await DemoCommand.RunAsync(parsed, stdout, stderr, ct),
                _ => ExitCodes.Invalid,
            };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
    }

    private static async Task<int> Help(TextWriter stdout)
    {
        await stdout.WriteLineAsync(CommandLine.Usage);
        return ExitCodes.Ok;
    }

    private static int Validate(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        var (_, loaded) = ConfigLoader.Load(cl.Option("config"), cl.ConfigOverrides, SystemConfigEnvironment.Instance);
        Report(loaded.Report, stderr);
        if (loaded.Options is not { } o) return ExitCodes.Invalid;
        stdout.WriteLine($"valid: node {o.Node.Name} in region {o.Node.Region}, {o.Regions.Count} regions, {o.Targets.Count} targets, mode {o.Failover.Mode}, quorum {o.EffectiveQuorum}");
        return ExitCodes.Ok;
    }

    private static async Task<int> Run(CommandLine cl, TextWriter stdout, TextWriter stderr)
    {
        var (configuration, loaded) = ConfigLoader.Load(cl.Option("config"), cl.ConfigOverrides, SystemConfigEnvironment.Instance);
        Report(loaded.Report, stderr);
        if (loaded.Options is not { } o || configuration is null) return ExitCodes.Invalid;

        try
        {
            Directory.CreateDirectory(o.Node.DataDir!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"Mesh:Node:DataDir: cannot create {o.Node.DataDir} ({e.GetType().Name})");
            return ExitCodes.Invalid;
        }
        await stdout.WriteLineAsync($"health-mesh: node {o.Node.Name} (region {o.Node.Region}) remoting {o.Node.EffectivePublicHostname}:{o.Node.Port}, http {o.Node.HttpUrls}");
        var shutdown = new NodeShutdown();
        try
        {
            await using var app = NodeHost.Build(o, configuration, SystemConfigEnvironment.Instance, shutdown: shutdown);
            await app.RunAsync();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or Akka.Configuration.ConfigurationException)
        {
            await stderr.WriteLineAsync($"health-mesh: node {o.Node.Name} could not start: {e.GetBaseException().Message}");
            return ExitCodes.Failure;
        }
        if (shutdown.Downed)
        {
            await stderr.WriteLineAsync($"health-mesh: node {o.Node.Name} was downed by the cluster and stopped; restart it to rejoin as a new incarnation");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    private static void Report(ValidationReport report, TextWriter stderr)
    {
        foreach (var line in report.Errors) stderr.WriteLine(line);
        foreach (var line in report.Warnings) stderr.WriteLine($"warning: {line}");
    }
}
