using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Failover;
using Mesh.Actors.Hosting;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Node.Api;
using Mesh.Node.Metrics;
using Prometheus;

namespace Mesh.Node;

/// <summary>One mesh node: the actor system wired by AddHealthMesh, and the HTTP API on Node.HttpUrls.</summary>
public static class NodeHost
{
    /// <summary>The level of ASP.NET Core's own per-request log lines: Warning unless the configuration says otherwise.</summary>
    public const string RequestLogLevelKey = "Logging:LogLevel:Microsoft.AspNetCore";

    public static WebApplication Build(MeshOptions options, IConfiguration configuration, IConfigEnvironment environment,
        MeshHostingOverrides? overrides = null, NodeShutdown? shutdown = null)
    {
        shutdown ??= new NodeShutdown();
        MetricsExport.Configure();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        // ASP.NET Core logs five Information lines per request (request starting/finished, endpoint executing/executed,
        // result written): a third of a node's CPU per GET /api/v1/cluster (bench/api-throughput.md), and every node's
        // /healthz probe adds them each second. Warning by default, as ASP.NET's own templates set it; added before the
        // node's configuration so that Logging:LogLevel:Microsoft.AspNetCore there (or the environment variable
        // MESH_Logging__LogLevel__Microsoft.AspNetCore=Information) still turns the request log back on.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [RequestLogLevelKey] = nameof(LogLevel.Warning) });
        builder.Configuration.AddConfiguration(configuration);
        // Under systemd (Type=notify) the unit is "started" once the host is, HTTP API and cluster join included, and
        // stopping is reported; elsewhere this does nothing.
        builder.Host.UseSystemd();
        builder.WebHost.UseUrls(options.Node.HttpUrls!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        builder.Logging.ClearProviders().AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddApiDocument();
        builder.Services.AddSingleton(new ApiAccess(options.Api, environment));
        builder.Services.AddSingleton(services => CoordinatorReads.Of(services.GetRequiredService<IRequiredActor<FailoverCoordinator>>()));
        builder.Services.AddSingleton<MeshMetrics>();
        builder.Services.AddSingleton<FailoverMetrics>();
        builder.Services.AddHealthMesh(options, environment, overrides, (akka, services) =>
        {
            // A node that the cluster downed has no future in this process: stop the host so its
            // supervisor restarts it as a new incarnation.
            // (A statement body: a lambda returning the task would be awaited as a startup task, forever.)
            akka.AddStartup((system, _) =>
            {
                system.WhenTerminated.ContinueWith(_ =>
                {
                    shutdown.Downed = CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason;
                    services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
                }, TaskScheduler.Default);
            });
        });

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHealthEndpoints();
        app.MapDashboardEndpoints();
        app.MapClusterEndpoints();
        app.MapTargetEndpoints();
        app.MapFailoverEndpoints();
        app.MapMetrics("/metrics");
        app.MapOpenApi();
        app.Services.GetRequiredService<MeshMetrics>();
        app.Services.GetRequiredService<FailoverMetrics>();
        app.MapFallback((HttpContext context) => ApiProblems.NotFound($"there is no resource at {context.Request.Method} {context.Request.Path}"));
        return app;
    }
}
