using Mesh.Contracts.Configuration;
using Mesh.Node.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Node.Tests;

/// <summary>
/// ASP.NET Core's per-request log lines are off by default (they cost a third of a node's CPU per API GET,
/// bench/api-throughput.md), the node's own Information lines are not, and the configuration can turn them back on.
/// </summary>
public sealed class RequestLoggingTests
{
    private static async Task<(bool Request, bool Warning, bool Node)> LevelsAsync(params string[] overrides)
    {
        var node = TestConfigs.SingleNode(TestConfigs.NewDirectory());
        var (configuration, loaded) = ConfigLoader.Load(node.ConfigPath, overrides, SystemConfigEnvironment.Instance);
        Assert.True(loaded.Report.IsValid, string.Join("\n", loaded.Report.Errors));
        await using var app = NodeHost.Build(loaded.Options!, configuration!, SystemConfigEnvironment.Instance);
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var hosting = loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        return (hosting.IsEnabled(LogLevel.Information), hosting.IsEnabled(LogLevel.Warning),
            loggers.CreateLogger("Mesh.Node.Api").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public async Task Requests_are_not_logged_by_default_but_warnings_and_the_nodes_own_lines_are()
    {
        var (request, warning, node) = await LevelsAsync();
        Assert.False(request);
        Assert.True(warning);
        Assert.True(node);
    }

    [Fact]
    public async Task The_configuration_turns_the_request_log_back_on()
    {
        var (request, _, _) = await LevelsAsync($"--{NodeHost.RequestLogLevelKey}=Information");
        Assert.True(request);
    }
}
