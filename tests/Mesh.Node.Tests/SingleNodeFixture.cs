using Mesh.Contracts.Configuration;
using Mesh.Node.Configuration;
using Mesh.Node.Demo;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Node.Tests;

/// <summary>One real node in this process, serving the API on a loopback port, a cluster of itself.</summary>
public sealed class SingleNodeFixture : IAsyncLifetime
{
    private WebApplication? _app;

    internal LocalNodeSpec Node { get; private set; } = null!;
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };
    public Uri BaseUri => new(Node.HttpUrl + "/");

    public async Task InitializeAsync()
    {
        Node = TestConfigs.SingleNode(TestConfigs.NewDirectory());
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
