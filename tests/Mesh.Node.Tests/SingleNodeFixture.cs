using Mesh.Contracts.Configuration;
using Mesh.Node.Configuration;
using Mesh.Node.Demo;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Node.Tests;

/// <summary>One real node in this process, serving the API on a loopback port, a cluster of itself.</summary>
public sealed class SingleNodeFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The password of the (absent) database target: it must never appear in any answer.</summary>
    public const string DatabasePassword = "hunter2-in-the-connection-string";

    internal LocalNodeSpec Node { get; private set; } = null!;
    internal WebApplication App => _app ?? throw new InvalidOperationException("the node has not started");
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };
    public Uri BaseUri => new(Node.HttpUrl + "/");

    public async Task InitializeAsync()
    {
        Node = TestConfigs.SingleNode(TestConfigs.NewDirectory(), mesh => mesh["Targets"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["Id"] = "pg-nyc1", ["Kind"] = "postgres", ["Region"] = "nyc1", ["Group"] = "main-db",
            ["ConnectionString"] = $"Host=127.0.0.1;Port={Demo.LocalPorts.Free()};Username=mesh;Password={DatabasePassword}",
        }));
        _app = await StartAsync(Node.ConfigPath);
    }

    /// <summary>Loads, validates and starts a node from its config file, as <c>health-mesh run</c> does.</summary>
    internal static async Task<WebApplication> StartAsync(string configPath)
    {
        var (configuration, loaded) = ConfigLoader.Load(configPath, [], SystemConfigEnvironment.Instance);
        Assert.True(loaded.Report.IsValid, string.Join("\n", loaded.Report.Errors));
        var app = NodeHost.Build(loaded.Options!, configuration!, SystemConfigEnvironment.Instance);
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }
}
