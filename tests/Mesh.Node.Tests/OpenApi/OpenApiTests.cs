using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mesh.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Node.Tests.OpenApi;

/// <summary>
/// The API document at /openapi/v1.json against the running node: it names every endpoint the node maps and no other,
/// and every answer the node gives (success and problem alike) has its status documented for its operation, its
/// content type among the documented ones, and a body that matches the documented schema field for field.
/// </summary>
public sealed class OpenApiTests(SingleNodeFixture node) : IClassFixture<SingleNodeFixture>
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private async Task<JsonElement> DocumentAsync()
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUri, "openapi/v1.json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static IEnumerable<string> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path =>
            path.Value.EnumerateObject().Where(o => Methods.Contains(o.Name)).Select(o => $"{o.Name.ToUpperInvariant()} {path.Name}"));

    [Fact]
    public async Task The_document_names_every_endpoint_the_node_maps_and_no_other()
    {
        var document = await DocumentAsync();
        Assert.StartsWith("3.1", document.GetProperty("openapi").GetString());

        var mapped = ((IEndpointRouteBuilder)node.App).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null || e.DisplayName?.Contains("metrics", StringComparison.OrdinalIgnoreCase) == true)
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/openapi/", StringComparison.Ordinal) && !raw.Contains("{*", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal).ToList();

        Assert.Contains("GET /metrics", mapped);
        Assert.Equal(mapped, Operations(document).Order(StringComparer.Ordinal));
    }

    private static string Normalise(string route) => route.StartsWith('/') ? route : "/" + route;

    [Fact]
    public async Task Commands_carry_the_bearer_requirement_and_reads_do_not_when_reads_are_open()
    {
        var document = await DocumentAsync();
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        foreach (var operation in Operations(document))
        {
            var (method, path) = Split(operation);
            var op = document.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());
            var secured = op.TryGetProperty("security", out var security) && security.GetArrayLength() > 0;
            Assert.True(secured == (method == "POST"), $"{operation}: security {(secured ? "present" : "absent")}");
            var responses = op.GetProperty("responses");
            Assert.True(responses.TryGetProperty("401", out _) == secured, $"{operation}: 401 documented iff the token is checked");
        }
    }

    [Fact]
    public async Task With_ReadRequiresToken_reads_carry_the_bearer_requirement_too()
    {
        var spec = TestConfigs.SingleNode(TestConfigs.NewDirectory(), mesh => mesh["Api"]!["ReadRequiresToken"] = true);
        await using var app = await SingleNodeFixture.StartAsync(spec.ConfigPath);
        using var response = await node.Http.GetAsync(new Uri(spec.HttpUrl + "/openapi/v1.json"));
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        var read = document.GetProperty("paths").GetProperty("/api/v1/cluster").GetProperty("get");
        Assert.Equal("bearer", Assert.Single(Assert.Single(read.GetProperty("security").EnumerateArray()).EnumerateObject()).Name);
        Assert.True(read.GetProperty("responses").TryGetProperty("401", out _));
        var liveness = document.GetProperty("paths").GetProperty("/healthz").GetProperty("get");
        Assert.False(liveness.TryGetProperty("security", out _), "liveness never needs the token");
    }

    private static (string Method, string Path) Split(string operation) => (operation[..operation.IndexOf(' ')], operation[(operation.IndexOf(' ') + 1)..]);

    /// <summary>
    /// One call per answer worth checking. Several are sent until they reach the state they are about (a formed cluster,
    /// the coordinator answering, its first poll round); every answer on the way is checked too.
    /// </summary>
    [Fact]
    public async Task Every_answer_matches_its_documented_status_content_type_and_schema()
    {
        var document = await DocumentAsync();
        var exercised = new HashSet<string>();
        var mismatches = new List<string>();

        async Task<(HttpStatusCode Status, JsonElement Body)> Call(string method, string path, string template, string? body = null, string? token = null, string contentType = "application/json")
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(node.BaseUri, path.TrimStart('/')));
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await node.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var media = response.Content.Headers.ContentType?.MediaType;
            exercised.Add($"{method} {template}");
            var status = (int)response.StatusCode;
            var where = $"{method} {path} -> {status}";
            var operation = document.GetProperty("paths").GetProperty(template).GetProperty(method.ToLowerInvariant());
            if (!operation.GetProperty("responses").TryGetProperty(status.ToString(), out var documented))
            {
                mismatches.Add($"{where}: status not documented; body {text}");
                return (response.StatusCode, default);
            }
            if (!documented.TryGetProperty("content", out var content))
            {
                if (text.Length > 0) mismatches.Add($"{where}: a body the document does not describe");
                return (response.StatusCode, default);
            }
            if (media is null || !content.TryGetProperty(media, out var described))
            {
                mismatches.Add($"{where}: content type {media}, documented {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}");
                return (response.StatusCode, default);
            }
            if (!media.Contains("json", StringComparison.Ordinal)) return (response.StatusCode, default);
            var json = JsonDocument.Parse(text).RootElement.Clone();
            if (described.TryGetProperty("schema", out var schema))
                mismatches.AddRange(SchemaMatch.Mismatches(json, schema, document).Select(m => $"{where}: {m}"));
            else
                mismatches.Add($"{where}: JSON answer without a documented schema");
            return (response.StatusCode, json);
        }

        async Task Until(string path, Func<JsonElement, bool> condition)
        {
            JsonElement last = default;
            await Eventually.UntilAsync(async () =>
            {
                var (status, body) = await Call("GET", path, path);
                last = body;
                return status == HttpStatusCode.OK && condition(body);
            }, TimeSpan.FromSeconds(30), () => $"{path} never reached the state; last {last}");
        }

        const string token = TestConfigs.ApiToken;
        await Call("GET", "/healthz", "/healthz");
        await Until("/readyz", _ => true);
        await Until("/api/v1/cluster", b => b.GetProperty("coordinator").ValueKind == JsonValueKind.String);
        await Until("/api/v1/regions", b => b.EnumerateArray().Any(r => r.GetProperty("verdicts").GetArrayLength() > 0));
        await Until("/api/v1/failover", b => b.GetProperty("readiness").GetArrayLength() > 0);
        await Call("GET", "/api/v1/failover/history", "/api/v1/failover/history");
        await Call("GET", "/api/v1/targets", "/api/v1/targets");
        await Call("GET", "/api/v1/targets/pg-nyc1", "/api/v1/targets/{id}");
        await Call("GET", "/api/v1/targets/no-such-target", "/api/v1/targets/{id}");
        await Call("GET", "/", "/");
        await Call("GET", "/dashboard/dashboard.js", "/dashboard/{file}");
        await Call("GET", "/dashboard/dashboard.css", "/dashboard/{file}");
        await Call("GET", "/dashboard/no-such-file", "/dashboard/{file}");
        await Call("GET", "/metrics", "/metrics");

        await Call("POST", "/api/v1/failover/pause", "/api/v1/failover/pause", """{"reason":"x"}""");
        await Call("POST", "/api/v1/failover/pause", "/api/v1/failover/pause", """{"reason":"x"}""", token: "not-the-token");
        await Call("POST", "/api/v1/failover/pause", "/api/v1/failover/pause", """{"reason":""", token);
        await Call("POST", "/api/v1/failover/pause", "/api/v1/failover/pause", "reason=x", token, "text/plain");
        await Call("POST", "/api/v1/failover/pause", "/api/v1/failover/pause", """{"reason":"maintenance"}""", token);
        await Call("POST", "/api/v1/failover/failover", "/api/v1/failover/failover", """{"to":"ams3"}""", token);
        await Call("POST", "/api/v1/failover/failover", "/api/v1/failover/failover", "{}", token);
        await Call("POST", "/api/v1/failover/switchover", "/api/v1/failover/switchover", """{"to":"ams3"}""", token);
        await Call("POST", "/api/v1/failover/switchover", "/api/v1/failover/switchover", """{"to":"nowhere"}""", token);
        await Call("POST", "/api/v1/failover/adopt", "/api/v1/failover/adopt", """{"activeRegion":"nyc1"}""", token);
        await Call("POST", "/api/v1/failover/adopt", "/api/v1/failover/adopt", """{"activeRegion":"nyc1","epoch":0}""", token);
        await Call("POST", "/api/v1/failover/resume", "/api/v1/failover/resume", null, token);
        await Call("GET", "/api/v1/failover/history", "/api/v1/failover/history");

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal(Operations(document).Order(StringComparer.Ordinal), exercised.Order(StringComparer.Ordinal));
    }
}
