using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Mesh.Contracts.Failover;
using Mesh.Node.Demo;
using Mesh.Tests.Shared;
using Microsoft.Playwright;

namespace Mesh.Dashboard.Tests;

/// <summary>
/// The dashboard (<c>GET /</c>) in headless Chromium against three real <c>health-mesh run</c> processes on loopback:
/// it shows the running mesh's state, and a change of that state appears without a reload.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private const string ApiToken = "dashboard-test-token-7d2e";
    private LocalMesh _mesh = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        var dir = Directory.CreateTempSubdirectory("mesh-dashboard-").FullName;
        _mesh = LocalMesh.Create(dir, LocalMeshTimings.Fast, ApiToken);
        _mesh.StartAll();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path,
            Headless = true,
            // Quiet in a closed network: no background connections, no first-run work, no sandbox as root.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await _mesh.WaitForAsync(_mesh.Nodes, v => v.Members.Count(m => m.Status == "Up") == 3, TimeSpan.FromSeconds(90));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        await _mesh.DisposeAsync();
    }

    [Fact]
    public async Task The_page_shows_the_running_mesh_and_a_state_change_without_a_reload()
    {
        var node = _mesh.Nodes[1];   // any node serves the whole API: not the coordinator's on purpose
        var page = await _browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);
        page.Response += (_, r) => { if (r.Status >= 400) errors.Add($"{r.Status} {r.Url}"); };

        await page.GotoAsync(node.HttpUrl + "/");
        await Expect(page.Locator("#connection[data-state=live]"));

        // Members, regions with their roles and every vantage's verdict, targets per vantage, the failover state.
        foreach (var (name, _, _) in LocalMeshConfig.Layout)
            await Expect(page.Locator($"#members-table tr[data-node='{name}'] .member-Up"));
        await Expect(page.Locator("#regions-table tr[data-region='nyc1'] .role-active"));
        await Expect(page.Locator("#regions-table tr[data-region='ams3'] .role-standby"));
        await Expect(page.Locator("#regions-table tr[data-region='sfo3'] .role-witness"));
        foreach (var vantage in new[] { "nyc1", "ams3", "sfo3" })
            await Expect(page.Locator($"#regions-table tr[data-region='nyc1'] td[data-vantage='{vantage}'] .verdict-up"));
        foreach (var target in new[] { "app-nyc1", "app-ams3" })
        foreach (var vantage in new[] { "nyc1", "ams3", "sfo3" })
            await Expect(page.Locator($"#targets-table tr[data-target='{target}'] td[data-vantage='{vantage}'] .status-healthy"));
        // The failover state as the API tells it (polled together: the page redraws every second).
        using var http = new HttpClient();
        await Eventually.UntilAsync(async () =>
        {
            var status = (await http.GetFromJsonAsync<FailoverStatus>(new Uri(new Uri(node.HttpUrl), "/api/v1/failover")))!;
            return await page.Locator("#active-region").TextContentAsync() == status.ActiveRegion
                   && await page.Locator("#phase").GetAttributeAsync("data-value") == status.Phase
                   && await page.Locator("#epoch").TextContentAsync() == status.Epoch.ToString(CultureInfo.InvariantCulture)
                   && (await page.Locator("#blocked-reasons li").AllTextContentsAsync()).SequenceEqual(status.BlockedReasons)
                   && await page.Locator("#paused").TextContentAsync() == "no";
        }, TimeSpan.FromSeconds(20), "the page shows the API's failover state: active region, phase, epoch, blocked reasons, not paused");
        Assert.Equal("nyc1", await page.Locator("#active-region").TextContentAsync());

        // A change made through the API appears by itself: the same document (a marker set in it survives), paused now.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiToken);
        // 503 while the coordinator is still starting or moving: asked again, as an operator would.
        await Eventually.UntilAsync(async () =>
            (await http.PostAsJsonAsync(new Uri(new Uri(_mesh.Nodes[2].HttpUrl), "/api/v1/failover/pause"), new { reason = "dashboard test" })).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), () => "the mesh takes the pause", every: TimeSpan.FromSeconds(1));
        await Expect(page.Locator("#paused", new() { HasTextString = "yes" }));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.Path("dashboard.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_node_that_stops_answering_is_shown_as_not_answering_and_the_page_recovers_when_it_is_back()
    {
        var node = _mesh.Nodes[2];
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(node.HttpUrl + "/");
        await Expect(page.Locator("#connection[data-state=live]"));

        _mesh.Kill(node);
        await Expect(page.Locator("#connection[data-state=error]"));
        _mesh.Start(node);
        await Expect(page.Locator("#connection[data-state=live]"), TimeSpan.FromSeconds(90));
    }

    /// <summary>Waits for the locator to match a visible element (Playwright polls the live page).</summary>
    private static Task Expect(ILocator locator, TimeSpan? timeout = null) =>
        locator.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = (float)(timeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds });
}
