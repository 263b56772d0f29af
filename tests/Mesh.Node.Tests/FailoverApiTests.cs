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

    [Fact]
    public async Task The_failover_state_has_exactly_the_fields_of_the_spec()
    {
        var body = await AwaitAsync("api/v1/failover", _ => true);

        Assert.Equal(["activeRegion", "blockedReasons", "cooldownUntil", "epoch", "guarded", "lastDecision", "leaseHolders", "mode", "paused", "phase", "readiness"],
            body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(("automatic", "nyc1", 0), (body.GetProperty("mode").GetString(), body.GetProperty("activeRegion").GetString(), body.GetProperty("epoch").GetInt32()));
        // This node has no durable store configured yet: it shows what it sees and never acts.
        Assert.Equal("blocked", body.GetProperty("phase").GetString());
        Assert.StartsWith("this node has no failover state store", body.GetProperty("blockedReasons")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("cooldownUntil").ValueKind);
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
}
