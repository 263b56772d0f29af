using Mesh.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Mesh.Integration.Tests.Servers;

/// <summary>A real HTTP server (Kestrel) on a loopback port, with the routes a test gives it.</summary>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackHttpServer(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    public static async Task<LoopbackHttpServer> StartAsync(Action<IEndpointRouteBuilder> routes)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        routes(app);
        await app.StartAsync();
        return new LoopbackHttpServer(app, port);
    }

    /// <summary>The standard routes of the probe tests: ok, a 500, a body, and a server that hangs.</summary>
    public static Task<LoopbackHttpServer> StartProbeTargetsAsync() => StartAsync(app =>
    {
        app.MapGet("/ok", () => Results.Text("status: ok"));
        app.MapGet("/fail", () => Results.StatusCode(500));
        app.MapGet("/created", () => Results.StatusCode(201));
        app.MapGet("/hang", async (CancellationToken ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return Results.Ok();
        });
    });

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
