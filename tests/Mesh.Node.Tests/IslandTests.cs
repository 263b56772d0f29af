using System.Net;
using System.Text.Json;
using Mesh.Tests.Shared;

namespace Mesh.Node.Tests;

public sealed class IslandTests
{
    [Fact]
    public async Task A_node_started_alone_never_forms_a_cluster_of_its_own()
    {
        // nyc1-a is the first of three seeds: with nobody answering it joins itself, but a majority of
        // the expected nodes (2 of 3) must be Up before any member is, so it stays Joining and not ready.
        var node = TestConfigs.Mesh(TestConfigs.NewDirectory())[0];
        await using var app = await SingleNodeFixture.StartAsync(node.ConfigPath);
        using var http = new HttpClient { BaseAddress = new Uri(node.HttpUrl), Timeout = TimeSpan.FromSeconds(10) };

        await Eventually.UntilAsync(async () => await SelfStatus(http) == "Joining", TimeSpan.FromSeconds(30), "the first seed joins itself");
        // Three leader-action rounds (1 s each) would have moved it to Up without the minimum; nothing to await.
        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.Equal("Joining", await SelfStatus(http));
        using var ready = await http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("application/problem+json", ready.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Joining", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string?> SelfStatus(HttpClient http)
    {
        var json = await http.GetStringAsync("/api/v1/cluster");
        return JsonDocument.Parse(json).RootElement.GetProperty("self").GetProperty("status").GetString();
    }
}
