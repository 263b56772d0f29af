using System.Net;

namespace Mesh.Node.Tests;

/// <summary><c>GET /</c> serves the dashboard's own files, locked down, and nothing else from its folder.</summary>
public sealed class DashboardEndpointTests(SingleNodeFixture node) : IClassFixture<SingleNodeFixture>
{
    private async Task<(HttpStatusCode Status, string? Type, string Body, HttpResponseMessage Response)> GetAsync(string path)
    {
        var response = await node.Http.GetAsync(new Uri(node.BaseUri, path));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task The_page_is_served_with_a_policy_that_lets_it_load_only_its_own_files_and_talk_only_to_this_node()
    {
        var (status, type, body, response) = await GetAsync("");

        Assert.Equal((HttpStatusCode.OK, "text/html"), (status, type));
        Assert.Contains("<script src=\"/dashboard/dashboard.js\" defer></script>", body, StringComparison.Ordinal);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("dashboard/dashboard.js", "text/javascript", "/api/v1/failover/history")]
    [InlineData("dashboard/dashboard.css", "text/css", "prefers-color-scheme")]
    [InlineData("dashboard/favicon.svg", "image/svg+xml", "<svg")]
    public async Task Its_assets_are_served_with_their_types(string path, string expectedType, string expectedText)
    {
        var (status, type, body, _) = await GetAsync(path);

        Assert.Equal((HttpStatusCode.OK, expectedType), (status, type));
        Assert.Contains(expectedText, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dashboard/index.html.gz")]
    [InlineData("dashboard/..%2Fhealth-mesh.dll")]
    [InlineData("dashboard/appsettings.json")]
    public async Task Nothing_else_is_served_from_next_to_the_binary(string path)
    {
        var (status, type, _, _) = await GetAsync(path);

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (status, type));
    }
}
