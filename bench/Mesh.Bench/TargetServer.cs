using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Bench;

/// <summary>The fast local HTTP server: GET /health answers "ok". Runs in its own process so it costs the measured one nothing.</summary>
public static class TargetServer
{
    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => { k.AddServerHeader = false; k.Limits.MaxConcurrentConnections = null; });
        var app = builder.Build();
        app.MapGet("/health", () => Results.Text("ok"));
        Console.WriteLine("READY");
        await app.RunAsync();
    }
}
