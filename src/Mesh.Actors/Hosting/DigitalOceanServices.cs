using Mesh.Actors.Actions;
using Mesh.Actors.DigitalOcean;
using Mesh.Contracts.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Actors.Hosting;

/// <summary>The DigitalOcean client (over IHttpClientFactory with the retry pipeline) and what acts through it, when a token is configured.</summary>
public static class DigitalOceanServices
{
    public const string HttpClientName = "digitalocean";

    public static IServiceCollection AddDigitalOcean(this IServiceCollection services, MeshOptions options, IConfigEnvironment environment)
    {
        if (options.DigitalOcean.Token is not { Length: > 0 } tokenReference) return services;
        var token = Secrets.Resolve(tokenReference, environment).Value!;
        var actionsToken = options.DigitalOcean.ActionsToken is { Length: > 0 } a ? Secrets.Resolve(a, environment).Value : null;
        var apiUrl = new Uri(options.DigitalOcean.ApiUrl);

        services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)   // the pipeline's total timeout bounds a call
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RedactLoggedHeaders(_ => true)
            .AddResilienceHandler(HttpClientName, pipeline => DigitalOceanResilience.Configure(pipeline, new DigitalOceanRetryOptions()));
        services.TryAddSingleton(sp => new DigitalOceanClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), apiUrl, token, actionsToken));
        if (options.Failover.Dns is { Provider: DnsProviders.DigitalOcean, Domain: not null } dns)
            services.TryAddSingleton<IDnsSwitcher>(sp => new DigitalOceanDnsSwitcher(sp.GetRequiredService<DigitalOceanClient>(), dns));
        return services;
    }
}
