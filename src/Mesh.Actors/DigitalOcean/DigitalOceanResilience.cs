using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Mesh.Actors.DigitalOcean;

/// <summary>How long to wait and how often to try.</summary>
public sealed record DigitalOceanRetryOptions
{
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int MaxRetries { get; init; } = 4;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>The longest wait between attempts, also for a server-requested one (Retry-After, ratelimit-reset).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The retry pipeline of every DigitalOcean request: a total timeout, retries with jittered exponential
/// backoff (or the server's Retry-After / ratelimit-reset) on 429, 5xx and transport errors, and a
/// timeout per attempt. A request is repeated only when repeating it cannot do harm: GET, PUT and
/// DELETE, POSTs marked <see cref="SafeToRepeat"/>, and any request the server refused unprocessed (429)
/// or that never left (the connection did not open). A create that may have succeeded is not repeated.
/// </summary>
public static class DigitalOceanResilience
{
    /// <summary>Set on a POST whose repetition leaves the same result (a droplet shutdown or power-off).</summary>
    public static readonly HttpRequestOptionsKey<bool> SafeToRepeat = new("mesh.safe-to-repeat");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, DigitalOceanRetryOptions options) => builder
        .AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout })
        .AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            ShouldRetryAfterHeader = false,   // ServerDelay below reads Retry-After and ratelimit-reset
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context.GetRequestMessage())),
            DelayGenerator = args => ValueTask.FromResult(ServerDelay(args.Outcome, options)),
        })
        .AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = options.AttemptTimeout });

    /// <summary>An HttpClient with the pipeline, for use without dependency injection (tests, tools).</summary>
    public static HttpClient CreateHttpClient(DigitalOceanRetryOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        Configure(builder, options);
        var handler = new ResilienceHandler(builder.Build()) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HttpRequestMessage? request)
    {
        var repeatable = request is null || IsRepeatable(request);
        if (outcome.Result is { } response)
            return response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500 && repeatable;
        return outcome.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
            HttpRequestException or TimeoutRejectedException => repeatable,
            _ => false,
        };
    }

    private static bool IsRepeatable(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Head
        || request.Options.TryGetValue(SafeToRepeat, out var safe) && safe;

    private static TimeSpan? ServerDelay(Outcome<HttpResponseMessage> outcome, DigitalOceanRetryOptions options) =>
        outcome.Result is { } response && RateLimits.RetryAfter(response, DateTimeOffset.UtcNow) is { } wait
            ? wait > options.MaxDelay ? options.MaxDelay : wait
            : null;
}
