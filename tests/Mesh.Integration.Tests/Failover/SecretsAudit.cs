using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mesh.Node.Cli;
using Mesh.Node.Demo;

namespace Mesh.Integration.Tests.Failover;

/// <summary>One place a secret must never appear, with what it held.</summary>
internal sealed record Exhibit(string Source, string Text);

/// <summary>
/// Gathers everything a running mesh shows to the outside: every node's log (exceptions included), every GET the API
/// document lists (each target, each dashboard file, the document itself, /metrics and so every metric label), the
/// answers to refused and malformed commands, and <c>health-mesh status</c> and <c>validate</c> output. Then looks for
/// each secret the drill handed out, verbatim and URL-encoded.
/// </summary>
internal static class SecretsAudit
{
    public static async Task<IReadOnlyList<Exhibit>> CollectAsync(FailoverDrill drill, CancellationToken ct)
    {
        var exhibits = new List<Exhibit>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var node in drill.Mesh.Nodes)
        {
            if (File.Exists(node.LogPath)) exhibits.Add(new($"{node.Name} log", await ReadSharedAsync(node.LogPath, ct)));
            if (!drill.Mesh.IsRunning(node)) continue;
            var root = new Uri(node.HttpUrl + "/");
            var document = await SendAsync(http, HttpMethod.Get, new Uri(root, "openapi/v1.json"), null, drill.ApiToken, ct);
            exhibits.Add(new($"{node.Name} GET /openapi/v1.json", document.Shown));
            foreach (var path in GetPaths(document.Body, drill))
                exhibits.Add(new($"{node.Name} GET {path}", (await SendAsync(http, HttpMethod.Get, new Uri(root, path.TrimStart('/')), null, drill.ApiToken, ct)).Shown));
            // Refusals: a wrong token, a malformed body, an impossible move; their problem details must not echo anything secret.
            exhibits.Add(new($"{node.Name} POST pause, wrong token", (await SendAsync(http, HttpMethod.Post, new Uri(root, "api/v1/failover/pause"), "{}", drill.ApiToken + "x", ct)).Shown));
            exhibits.Add(new($"{node.Name} POST adopt, malformed", (await SendAsync(http, HttpMethod.Post, new Uri(root, "api/v1/failover/adopt"), "{\"activeRegion\":", drill.ApiToken, ct)).Shown));
            exhibits.Add(new($"{node.Name} POST switchover, refused", (await SendAsync(http, HttpMethod.Post, new Uri(root, "api/v1/failover/switchover"), "{\"to\":\"sfo3\"}", drill.ApiToken, ct)).Shown));
            exhibits.Add(new($"{node.Name} status", await CliAsync("status", "--url", node.HttpUrl, "--token", drill.ApiToken)));
            exhibits.Add(new($"{node.Name} status --json", await CliAsync("status", "--url", node.HttpUrl, "--token", drill.ApiToken, "--json")));
            exhibits.Add(new($"{node.Name} validate", await CliAsync("validate", "--config", node.ConfigPath)));
        }
        // The CLI's error path: a URL where nothing answers.
        exhibits.Add(new("status of an unreachable URL", await CliAsync("status", "--url", "http://127.0.0.1:1", "--token", drill.ApiToken)));
        return exhibits;
    }

    /// <summary>Each leak as "where: which secret".</summary>
    public static IReadOnlyList<string> Leaks(IEnumerable<Exhibit> exhibits, IEnumerable<(string Name, string Value)> secrets)
    {
        var forms = secrets.SelectMany(s => new[] { (Name: s.Name, Text: s.Value), (Name: s.Name + " (URL-encoded)", Text: Uri.EscapeDataString(s.Value)) })
            .DistinctBy(f => f.Text).ToList();
        return exhibits.SelectMany(e => forms.Where(f => e.Text.Contains(f.Text, StringComparison.OrdinalIgnoreCase)).Select(f => $"{e.Source}: {f.Name}")).ToList();
    }

    private static IEnumerable<string> GetPaths(string document, FailoverDrill drill)
    {
        var targets = TargetIds(drill);
        foreach (var path in JsonDocument.Parse(document).RootElement.GetProperty("paths").EnumerateObject())
        {
            if (!path.Value.TryGetProperty("get", out _)) continue;
            if (path.Name.Contains("{id}", StringComparison.Ordinal))
                foreach (var id in targets) yield return path.Name.Replace("{id}", id, StringComparison.Ordinal);
            else if (path.Name.Contains("{file}", StringComparison.Ordinal))
                foreach (var file in new[] { "dashboard.js", "dashboard.css", "favicon.svg" }) yield return path.Name.Replace("{file}", file, StringComparison.Ordinal);
            else yield return path.Name;
        }
    }

    private static IReadOnlyList<string> TargetIds(FailoverDrill drill)
    {
        var config = JsonDocument.Parse(File.ReadAllText(drill.Mesh.Nodes[0].ConfigPath)).RootElement;
        return config.GetProperty("Mesh").GetProperty("Targets").EnumerateArray().Select(t => t.GetProperty("Id").GetString()!).ToList();
    }

    /// <summary>Shown: status, headers and body, as HTTP shows them (a secret in a header is as visible as one in the body).</summary>
    private static async Task<(string Shown, string Body)> SendAsync(HttpClient http, HttpMethod method, Uri uri, string? json, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return ($"{(int)response.StatusCode}\n{response.Headers}{response.Content.Headers}\n{body}", body);
    }

    private static async Task<string> CliAsync(params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var code = await HealthMeshCli.RunAsync(args, stdout, stderr);
        return $"exit {code}\n{stdout}\n{stderr}";
    }

    // The node may still be writing its log.
    private static async Task<string> ReadSharedAsync(string path, CancellationToken ct)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(ct);
    }
}
