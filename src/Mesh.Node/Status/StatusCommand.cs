using System.Net.Http.Headers;
using System.Text.Json;
using Mesh.Contracts.Api;
using Mesh.Contracts.Failover;
using Mesh.Node.Cli;

namespace Mesh.Node.Status;

/// <summary><c>health-mesh status --url URL [--token T]</c>: the state of a running mesh as tables; exit 1 when it does not answer.</summary>
public static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<int> RunAsync(string? url, string? token, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var baseUri) || baseUri.Scheme is not ("http" or "https"))
        {
            await stderr.WriteLineAsync("health-mesh: --url: required, the absolute http(s) URL of any mesh node, e.g. http://10.10.0.5:8080");
            return ExitCodes.Invalid;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        if (!string.IsNullOrEmpty(token)) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var (view, error) = await FetchAsync(http, baseUri, ct);
        if (view is null)
        {
            await stderr.WriteLineAsync($"health-mesh: {url} {error}");
            return ExitCodes.Failure;
        }
        await stdout.WriteLineAsync(ClusterTable.Render(view));
        await stdout.WriteLineAsync();
        var (targets, targetsError) = await GetAsync<List<TargetView>>(http, baseUri, "api/v1/targets", ct);
        await stdout.WriteLineAsync(targets is null ? $"targets: unavailable ({targetsError})" : TargetTable.Render(targets));
        await stdout.WriteLineAsync();
        var (regions, regionsError) = await GetAsync<List<RegionView>>(http, baseUri, "api/v1/regions", ct);
        await stdout.WriteLineAsync(regions is null ? $"regions: unavailable ({regionsError})" : FailoverTables.Regions(regions));
        await stdout.WriteLineAsync();
        var (failover, failoverError) = await GetAsync<FailoverStatus>(http, baseUri, "api/v1/failover", ct);
        await stdout.WriteLineAsync(failover is null ? $"failover: unavailable ({failoverError})" : FailoverTables.Failover(failover));
        return ExitCodes.Ok;
    }

    /// <summary>The cluster view, or why it could not be had, in words.</summary>
    public static Task<(ClusterView? View, string? Error)> FetchAsync(HttpClient http, Uri node, CancellationToken ct) =>
        GetAsync<ClusterView>(http, node, "api/v1/cluster", ct);

    internal static async Task<(T? Value, string? Error)> GetAsync<T>(HttpClient http, Uri node, string path, CancellationToken ct) where T : class
    {
        var baseUri = node.AbsoluteUri.EndsWith('/') ? node : new Uri(node.AbsoluteUri + "/");
        try
        {
            using var response = await http.GetAsync(new Uri(baseUri, path), ct);
            if (!response.IsSuccessStatusCode)
            {
                var problem = await ReadProblem(response, ct);
                return (null, $"answered {(int)response.StatusCode} {response.ReasonPhrase}{(problem is null ? "" : ": " + problem)}");
            }
            return (await response.Content.ReadFromJsonAsync<T>(Json, ct), null);
        }
        catch (HttpRequestException e)
        {
            return (null, $"does not answer ({e.HttpRequestError}: {e.InnerException?.Message ?? e.Message})");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"does not answer within {http.Timeout.TotalSeconds:0} s");
        }
        catch (JsonException)
        {
            return (null, $"answered {path} with something that is not what a health mesh node sends");
        }
    }

    private static async Task<string?> ReadProblem(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return doc.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
