using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Mesh.Tests.Shared;

namespace Mesh.Node.Tests;

/// <summary>
/// The targets API and /metrics of a one-node mesh in nyc1: app-nyc1 (its own /healthz) is healthy,
/// app-ams3 (a node that is not running) and pg-nyc1 (no server) are not, and the vantages with no
/// node (ams3, sfo3) answer unknown.
/// </summary>
public sealed class TargetApiTests(SingleNodeFixture node) : IClassFixture<SingleNodeFixture>
{
    private async Task<(HttpStatusCode Status, string Text)> GetAsync(string path)
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUri, path));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> AwaitTargetsAsync(Func<JsonElement, bool> condition)
    {
        var (status, text) = (default(HttpStatusCode), "");
        await Eventually.UntilAsync(async () => ((status, text) = await GetAsync("api/v1/targets")).status == HttpStatusCode.OK
                                                && condition(JsonDocument.Parse(text).RootElement),
            TimeSpan.FromSeconds(30), () => $"targets never matched; last: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static JsonElement View(JsonElement targets, string id, string vantage) =>
        targets.EnumerateArray().Single(t => t.GetProperty("id").GetString() == id)
            .GetProperty("views").EnumerateArray().Single(v => v.GetProperty("vantage").GetString() == vantage);

    private static string Status(JsonElement view) => view.GetProperty("status").GetString()!;

    [Fact]
    public async Task Every_target_has_a_view_from_every_region()
    {
        var targets = await AwaitTargetsAsync(t => Status(View(t, "app-nyc1", "nyc1")) == "healthy" && Status(View(t, "pg-nyc1", "nyc1")) == "unhealthy");

        Assert.Equal(["app-nyc1", "app-ams3", "pg-nyc1"], targets.EnumerateArray().Select(t => t.GetProperty("id").GetString()));
        var app = targets[0];
        Assert.Equal(("http", "nyc1", true), (app.GetProperty("kind").GetString(), app.GetProperty("region").GetString(), app.GetProperty("critical").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, app.GetProperty("group").ValueKind);
        Assert.Equal(["nyc1", "ams3", "sfo3"], app.GetProperty("views").EnumerateArray().Select(v => v.GetProperty("vantage").GetString()));

        var healthy = View(targets, "app-nyc1", "nyc1");
        foreach (var field in new[] { "since", "lastCheck", "latencyMs", "consecutiveFailures", "error", "details" }) Assert.True(healthy.TryGetProperty(field, out _), field);
        foreach (var field in new[] { "role", "lagBytes", "lagSeconds", "receiveLagBytes", "fenced", "fenceEpoch", "timeline" })
            Assert.True(healthy.GetProperty("details").TryGetProperty(field, out _), field);
        Assert.Equal(JsonValueKind.Null, healthy.GetProperty("details").GetProperty("role").ValueKind);

        var refused = View(targets, "pg-nyc1", "nyc1");
        Assert.Equal("connect: connection refused", refused.GetProperty("error").GetString());
        Assert.Equal("unknown", Status(View(targets, "app-nyc1", "sfo3")));   // no node in sfo3 to look from
        Assert.StartsWith("no answer from vantage sfo3", View(targets, "app-nyc1", "sfo3").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_target_comes_with_its_history_most_recent_first()
    {
        await AwaitTargetsAsync(t => Status(View(t, "app-ams3", "nyc1")) == "unhealthy");

        var (status, text) = await GetAsync("api/v1/targets/app-ams3");

        Assert.Equal(HttpStatusCode.OK, status);
        var target = JsonDocument.Parse(text).RootElement;
        var history = target.GetProperty("history").EnumerateArray().ToList();
        Assert.True(history.Count >= 3);
        Assert.All(history, h => Assert.Equal("nyc1", h.GetProperty("vantage").GetString()));
        var times = history.Select(h => h.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.Equal("connection refused", history[0].GetProperty("error").GetString());
    }

    [Fact]
    public async Task An_unknown_target_is_a_404_problem()
    {
        using var response = await node.Http.GetAsync(new Uri(node.BaseUri, "api/v1/targets/no-such-target"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-target", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_answer_holds_a_password()
    {
        await AwaitTargetsAsync(t => Status(View(t, "pg-nyc1", "nyc1")) == "unhealthy");

        foreach (var path in new[] { "api/v1/targets", "api/v1/targets/pg-nyc1", "api/v1/cluster", "metrics" })
            Assert.DoesNotContain(SingleNodeFixture.DatabasePassword, (await GetAsync(path)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_show_targets_and_members_and_pass_promtool()
    {
        await AwaitTargetsAsync(t => Status(View(t, "app-nyc1", "nyc1")) == "healthy" && Status(View(t, "app-ams3", "nyc1")) == "unhealthy");

        var (status, text) = (HttpStatusCode.OK, "");
        // The failover gauges come from the coordinator's poll rounds: wait for the first that saw ams3's app down.
        await Eventually.UntilAsync(async () => ((status, text) = await GetAsync("metrics")).text.Contains("mesh_region_verdict{region=\"ams3\",vantage=\"nyc1\"} 0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), () => $"no region verdict in /metrics: {text}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("mesh_region_verdict{region=\"nyc1\",vantage=\"nyc1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("mesh_active_region{region=\"nyc1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("mesh_active_region{region=\"ams3\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("mesh_failover_epoch 0", text, StringComparison.Ordinal);
        Assert.Contains("mesh_target_up{target=\"app-nyc1\",kind=\"http\",region=\"nyc1\",vantage=\"nyc1\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("mesh_target_up{target=\"app-ams3\",kind=\"http\",region=\"ams3\",vantage=\"nyc1\"} 0", text, StringComparison.Ordinal);
        Assert.Contains("mesh_probe_duration_seconds_bucket{target=\"app-nyc1\",vantage=\"nyc1\",le=", text, StringComparison.Ordinal);
        Assert.Contains("mesh_cluster_members{status=\"Up\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vantage=\"sfo3\"", text, StringComparison.Ordinal);   // unknown views export nothing

        var check = new ProcessStartInfo("promtool", ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var promtool = Process.Start(check)!;
        await promtool.StandardInput.WriteAsync(text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: {output}");
    }

    [Fact]
    public async Task Status_adds_a_table_of_targets_by_vantage()
    {
        await AwaitTargetsAsync(t => Status(View(t, "app-nyc1", "nyc1")) == "healthy" && Status(View(t, "pg-nyc1", "nyc1")) == "unhealthy");

        var run = await CliRun.RunAsync("status", "--url", node.Node.HttpUrl);

        Assert.Equal(0, run.ExitCode);
        var lines = run.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("targets: 3", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^TARGET\s+KIND\s+REGION\s+VANTAGE\s+STATUS\s+SINCE\s+LATENCY\s+ROLE\s+LAG\s+ERROR$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^app-nyc1\s+http\s+nyc1\s+nyc1\s+healthy\s+\d\d:\d\d:\d\d\s+[\d.]+ ms\s+-\s+-$"));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^pg-nyc1\s+postgres\s+nyc1\s+nyc1\s+unhealthy\s+.*connect: connection refused$"));
    }
}
