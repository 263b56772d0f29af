using System.Net;
using System.Text.Json;
using Mesh.Tests.Shared;

namespace Mesh.Node.Tests;

/// <summary>SPEC section 4's failover and regions endpoints on a real node (a cluster of one: nyc1-a; ams3's app server is not running).</summary>
public sealed class FailoverApiTests(SingleNodeFixture node) : IClassFixture<SingleNodeFixture>
{
    private async Task<JsonElement> AwaitAsync(string path, Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        HttpStatusCode status = 0;
        await Eventually.UntilAsync(async () =>
        {
            using var response = await node.Http.GetAsync(new Uri(node.BaseUri, path));
            status = response.StatusCode;
            if (status != HttpStatusCode.OK) return false;
            last = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            return condition(last);
        }, TimeSpan.FromSeconds(30), () => $"{path}: last {status} {last}");
        return last;
    }

    /// <summary>Until the coordinator's poll rounds carry this node's votes (nyc1 up; ams3, whose app server is not running, down).</summary>
    private async Task AwaitVotesAsync()
    {
        static string? Vote(JsonElement all, string region) => all.EnumerateArray().Single(r => r.GetProperty("name").GetString() == region)
            .GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("verdict").GetString()).FirstOrDefault();
        await AwaitAsync("api/v1/regions", all => Vote(all, "ams3") == "down" && Vote(all, "nyc1") == "up");
    }

    [Fact]
    public async Task The_failover_state_has_exactly_the_fields_of_the_spec()
    {
        // Blocked: the fixture's database and DNS API do not exist, so rule 11 cannot confirm InitialActiveRegion.
        var body = await AwaitAsync("api/v1/failover", b => b.GetProperty("phase").GetString() == "blocked" && b.GetProperty("readiness").GetArrayLength() > 0);

        Assert.Equal(["activeRegion", "blockedReasons", "cooldownUntil", "epoch", "guarded", "lastDecision", "leaseHolders", "mode", "paused", "phase", "readiness"],
            body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(("automatic", "nyc1", 0), (body.GetProperty("mode").GetString(), body.GetProperty("activeRegion").GetString(), body.GetProperty("epoch").GetInt32()));
        Assert.Equal("the mesh acts again after POST /api/v1/failover/adopt names the active region (or once the resources agree)",
            body.GetProperty("blockedReasons").EnumerateArray().Last().GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("cooldownUntil").ValueKind);
        Assert.False(body.GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task The_history_is_a_list()
    {
        var body = await AwaitAsync("api/v1/failover/history", _ => true);

        Assert.Equal(JsonValueKind.Array, body.ValueKind);
    }

    [Fact]
    public async Task Regions_show_each_vantages_vote_with_its_reasons()
    {
        static JsonElement Region(JsonElement all, string name) => all.EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);
        var body = await AwaitAsync("api/v1/regions", all =>
            Region(all, "ams3").GetProperty("verdicts").GetArrayLength() > 0 && Region(all, "ams3").GetProperty("verdicts")[0].GetProperty("verdict").GetString() == "down");

        Assert.Equal(["ams3", "nyc1", "sfo3"], body.EnumerateArray().Select(r => r.GetProperty("name").GetString()).Order());
        var nyc1 = Region(body, "nyc1");
        Assert.Equal(("site", true), (nyc1.GetProperty("kind").GetString(), nyc1.GetProperty("active").GetBoolean()));
        var ams3Vote = Region(body, "ams3").GetProperty("verdicts")[0];
        Assert.Equal(["at", "reasons", "vantage", "verdict"], ams3Vote.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("nyc1", ams3Vote.GetProperty("vantage").GetString());
        Assert.StartsWith("app-ams3: unhealthy for", ams3Vote.GetProperty("reasons")[0].GetString(), StringComparison.Ordinal);
        Assert.Empty(Region(body, "sfo3").GetProperty("verdicts").EnumerateArray());   // a witness is voted on by nobody
    }

    private async Task<(HttpStatusCode Status, string? ContentType, JsonElement Body)> PostAsync(string path, string? json, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUri, path));
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [InlineData("api/v1/failover/pause", """{"reason":"maintenance"}""")]
    [InlineData("api/v1/failover/resume", null)]
    [InlineData("api/v1/failover/failover", """{"to":"ams3"}""")]
    [InlineData("api/v1/failover/switchover", """{"to":"ams3"}""")]
    [InlineData("api/v1/failover/adopt", """{"activeRegion":"ams3","epoch":12}""")]
    public async Task Every_command_needs_the_token_401_without_403_with_a_wrong_one(string path, string? body)
    {
        var none = await PostAsync(path, body, token: null);
        var wrong = await PostAsync(path, body, token: "not-the-token");

        Assert.Equal((HttpStatusCode.Unauthorized, "application/problem+json"), (none.Status, none.ContentType));
        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (wrong.Status, wrong.ContentType));
    }

    [Theory]
    [InlineData("""{"epoch":12}""")]
    [InlineData("""{"activeRegion":"ams3"}""")]
    [InlineData("""{"activeRegion":"ams3","epoch":-1}""")]
    public async Task An_adopt_without_a_region_and_an_epoch_is_a_400_problem(string body)
    {
        var r = await PostAsync("api/v1/failover/adopt", body, TestConfigs.ApiToken);

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (r.Status, r.ContentType));
        Assert.Contains("activeRegion", r.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_without_a_target_region_is_a_400_problem()
    {
        var r = await PostAsync("api/v1/failover/failover", """{"acceptDataLoss":true}""", TestConfigs.ApiToken);

        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (r.Status, r.ContentType));
        Assert.Contains("\"to\"", r.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_and_resume_are_stored_and_shown_and_an_unsafe_failover_is_a_409_problem_with_its_reasons()
    {
        await AwaitVotesAsync();
        // The coordinator has compared its state with the resources (rule 11) and says what holds it back.
        await AwaitAsync("api/v1/failover", f => f.GetProperty("phase").GetString() == "blocked"
            && f.GetProperty("blockedReasons").EnumerateArray().Any(r => r.GetString()!.StartsWith("InitialActiveRegion nyc1 cannot be confirmed", StringComparison.Ordinal)));

        var pause = await PostAsync("api/v1/failover/pause", """{"reason":"maintenance"}""", TestConfigs.ApiToken);
        var paused = await AwaitAsync("api/v1/failover", _ => true);
        var failover = await PostAsync("api/v1/failover/failover", """{"to":"ams3"}""", TestConfigs.ApiToken);
        var resume = await PostAsync("api/v1/failover/resume", null, TestConfigs.ApiToken);
        var resumed = await AwaitAsync("api/v1/failover", _ => true);

        Assert.Equal(HttpStatusCode.OK, pause.Status);
        Assert.True(paused.GetProperty("paused").GetBoolean());
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (failover.Status, failover.ContentType));
        var reasons = failover.Body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        // The fixture's database does not exist: rule 11 cannot confirm InitialActiveRegion, so nothing may move.
        Assert.Contains("InitialActiveRegion nyc1 cannot be confirmed: none of its PostgreSQL servers answered as a writable primary", reasons);
        Assert.Equal(HttpStatusCode.OK, resume.Status);
        Assert.False(resumed.GetProperty("paused").GetBoolean());
        Assert.Equal(0, resumed.GetProperty("epoch").GetInt32());   // nothing was decided
    }

    [Fact]
    public async Task Status_adds_the_regions_votes_and_the_failover_state()
    {
        await AwaitVotesAsync();
        await AwaitAsync("api/v1/failover", b => b.GetProperty("phase").GetString() == "blocked" && b.GetProperty("readiness").GetArrayLength() > 0);

        var run = await CliRun.RunAsync("status", "--url", node.Node.HttpUrl);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("regions: 3", lines);
        Assert.True(lines.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ams3\s+site\s+nyc1\s+down\s+app-ams3: unhealthy for")), run.Stdout);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^nyc1\s+site\s+yes\s+nyc1\s+up"));
        Assert.Contains(lines, l => l.StartsWith("failover: blocked, active nyc1, epoch 0, mode automatic", StringComparison.Ordinal));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^STANDBY\s+ELIGIBLE\s+LAG\s+REASONS$"));
    }

    [Fact]
    public async Task Status_json_is_one_document_with_the_cluster_regions_targets_and_failover_and_no_colour()
    {
        await AwaitVotesAsync();

        var run = await CliRun.RunAsync("status", "--url", node.Node.HttpUrl, "--json");

        Assert.Equal((0, ""), (run.ExitCode, run.Stderr));
        Assert.DoesNotContain("\u001b", run.Stdout, StringComparison.Ordinal);
        using var doc = System.Text.Json.JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        Assert.Equal(["cluster", "regions", "targets", "failover"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Up", root.GetProperty("cluster").GetProperty("self").GetProperty("status").GetString());
        Assert.Equal(["nyc1", "ams3", "sfo3"], root.GetProperty("regions").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Contains(root.GetProperty("targets").EnumerateArray(), t => t.GetProperty("id").GetString() == "app-ams3");
        Assert.Equal("nyc1", root.GetProperty("failover").GetProperty("activeRegion").GetString());
    }
}
