using System.Net.Http.Headers;
using System.Text.Json;
using Mesh.Contracts.Api;
using Mesh.Contracts.Failover;
using Mesh.Node.Cli;

namespace Mesh.Node.Status;

/// <summary><c>health-mesh status --url URL [--token T] [--json] [--no-color]</c>: the state of a running mesh as tables (or JSON); exit 1 when it does not answer.</summary>
public static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="json">One JSON document for scripts (<c>cluster</c>, <c>regions</c>, <c>targets</c>, <c>failover</c>; a part the node could not give is null) instead of tables.</param>
    /// <param name="palette">Colour for the tables' judging cells (<see cref="Palette.For"/>).</param>
    public static async Task<int> RunAsync(string? url, string? token, bool json, Palette palette, TextWriter stdout, TextWriter stderr, CancellationToken ct)
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
        var (targets, targetsError) = await GetAsync<List<TargetView>>(http, baseUri, "api/v1/targets", ct);
        var (regions, regionsError) = await GetAsync<List<RegionView>>(http, baseUri, "api/v1/regions", ct);
        var (failover, failoverError) = await GetAsync<FailoverStatus>(http, baseUri, "api/v1/failover", ct);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new StatusDocument(view, regions, targets, failover), Pretty));
            foreach (var (part, why) in new[] { ("targets", targetsError), ("regions", regionsError), ("failover", failoverError) }.Where(p => p.Item2 is not null))
                await stderr.WriteLineAsync($"health-mesh: {part}: unavailable ({why})");
            return ExitCodes.Ok;
        }
        await stdout.WriteLineAsync(ClusterTable.Render(view, palette));
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync(targets is null ? $"targets: unavailable ({targetsError})" : TargetTable.Render(targets, palette));
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync(regions is null ? $"regions: unavailable ({regionsError})" : FailoverTables.Regions(regions, palette));
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync(failover is null ? $"failover: unavailable ({failoverError})" : FailoverTables.Failover(failover, palette));
        return ExitCodes.Ok;
    }

    private static readonly JsonSerializerOptions Pretty = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary><c>status --json</c>: the four reads as the API gave them.</summary>
    public sealed record StatusDocument(ClusterView Cluster, IReadOnlyList<RegionView>? Regions, IReadOnlyList<TargetView>? Targets, FailoverStatus? Failover);

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
