using System.Net;
using System.Text.Json;
using Mesh.Tests.Shared;

namespace Mesh.Node.Tests;

public sealed class HttpApiTests(SingleNodeFixture node) : IClassFixture<SingleNodeFixture>
{
    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> GetAsync(string path, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(node.BaseUri, path));
        using var response = await node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement> AwaitAsync(string path, Func<JsonElement, bool> condition)
    {
        (HttpStatusCode Status, string? ContentType, JsonElement Body) last = default;
        await Eventually.UntilAsync(async () => (last = await GetAsync(path)).Status == HttpStatusCode.OK && condition(last.Body),
            TimeSpan.FromSeconds(30), () => $"{path} never satisfied the condition; last: {last.Status} {last.Body}");
        return last.Body;
    }

    [Fact]
    public async Task Healthz_answers_while_the_process_runs()
    {
        var (status, _, body) = await GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Readyz_answers_200_once_the_node_is_an_Up_member()
    {
        var body = await AwaitAsync("readyz", _ => true);
        Assert.Equal("Up", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cluster_view_has_exactly_the_fields_of_the_spec()
    {
        var view = await AwaitAsync("api/v1/cluster", b => b.GetProperty("coordinator").ValueKind == JsonValueKind.String);

        var self = view.GetProperty("self");
        var address = self.GetProperty("address").GetString();
        Assert.Equal($"akka.tcp://health-mesh@127.0.0.1:{node.Node.RemotingPort}", address);
        Assert.Equal("nyc1-a", self.GetProperty("node").GetString());
        Assert.Equal("nyc1", self.GetProperty("region").GetString());
        Assert.Equal("Up", self.GetProperty("status").GetString());
        Assert.Equal(address, view.GetProperty("leader").GetString());
        Assert.Equal(address, view.GetProperty("coordinator").GetString());

        var member = Assert.Single(view.GetProperty("members").EnumerateArray());
        Assert.Equal(address, member.GetProperty("address").GetString());
        Assert.Equal("nyc1-a", member.GetProperty("node").GetString());
        Assert.Equal("nyc1", member.GetProperty("region").GetString());
        Assert.Equal("Up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        var roles = member.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("region:nyc1", roles);
        Assert.Contains("site", roles);
    }

    [Theory]
    [InlineData("api/v1/nothing-here")]
    [InlineData("api/v2/cluster")]
    [InlineData("favicon.ico")]
    public async Task Unknown_routes_are_problem_json_404(string path)
    {
        var (status, contentType, body) = await GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(404, body.GetProperty("status").GetInt32());
        Assert.True(body.TryGetProperty("title", out _));
    }

    [Fact]
    public async Task A_wrong_method_is_a_problem_not_an_empty_page()
    {
        var (status, contentType, body) = await GetAsync("api/v1/cluster", HttpMethod.Delete);

        Assert.True(status is HttpStatusCode.MethodNotAllowed or HttpStatusCode.NotFound, $"got {status}");
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Status_prints_the_members_as_a_table()
    {
        await AwaitAsync("api/v1/cluster", b => b.GetProperty("coordinator").ValueKind == JsonValueKind.String);

        var run = await CliRun.RunAsync("status", "--url", node.Node.HttpUrl);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.StartsWith("cluster: 1 members, leader nyc1-a, coordinator nyc1-a", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^NODE\s+REGION\s+STATUS\s+REACHABLE\s+ROLE\s+ADDRESS$", lines[1]);
        Assert.Matches(@"^nyc1-a\s+nyc1\s+Up\s+yes\s+leader,coordinator\s+akka\.tcp://health-mesh@127\.0\.0\.1:\d+$", lines[2]);
    }

    [Fact]
    public async Task Status_exits_1_when_the_mesh_does_not_answer()
    {
        var closedPort = Demo.LocalPorts.Free();

        var run = await CliRun.RunAsync("status", "--url", $"http://127.0.0.1:{closedPort}");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"http://127.0.0.1:{closedPort} does not answer", run.Stderr, StringComparison.Ordinal);
    }
}
