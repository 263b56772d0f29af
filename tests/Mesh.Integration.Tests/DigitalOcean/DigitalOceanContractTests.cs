using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mesh.Actors.DigitalOcean;

namespace Mesh.Integration.Tests.DigitalOcean;

/// <summary>
/// Every operation of the client, through <c>prism proxy --errors</c> from DigitalOcean's official spec in
/// front of the stateful stand-in: a request or answer that broke the spec would fail the call.
/// </summary>
[Collection(DigitalOceanCollection.Name)]
public sealed class DigitalOceanContractTests(DigitalOceanFixture fx)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_account_check_passes_with_a_valid_token()
    {
        var client = fx.Client();

        var account = await client.GetAccountAsync(None);

        Assert.Equal("active", account.Status);
        Assert.NotNull(client.RateLimit);
        Assert.True(client.RateLimit!.Limit > 0);
    }

    [Fact]
    public async Task Records_are_listed_across_pages_and_filtered_by_type_and_fully_qualified_name()
    {
        const string domain = "paged.test";
        fx.StandIn.AddDomain(domain);
        for (var i = 0; i < 450; i++) fx.StandIn.AddRecord(domain, "A", $"host{i}", $"192.0.2.{i % 250 + 1}", 1800);
        fx.StandIn.AddRecord(domain, "A", "www", "192.0.2.10", 30);
        fx.StandIn.AddRecord(domain, "TXT", "www", "v=spf1 -all", 300);
        var requests = fx.StandIn.Requests;

        var all = await fx.Client().ListRecordsAsync(domain, null, null, None);
        var pages = fx.StandIn.Requests - requests;
        var www = await fx.Client().ListRecordsAsync(domain, "A", "www", None);

        Assert.Equal(452, all.Count);
        Assert.Equal(452, all.Select(r => r.Id).Distinct().Count());
        Assert.Equal(3, pages);   // 200 per page
        var record = Assert.Single(www);
        Assert.Equal(("A", "www", "192.0.2.10", 30), (record.Type, record.Name, record.Data, record.Ttl));
    }

    [Fact]
    public async Task A_record_is_created_read_and_updated_in_place_with_the_actions_token()
    {
        const string domain = "crud.test";
        fx.StandIn.AddDomain(domain);
        var client = fx.Client();

        var created = await client.CreateRecordAsync(domain, new DomainRecordRequest("A", "shop", "192.0.2.10", 30), None);
        var read = await client.GetRecordAsync(domain, created.Id, None);
        var updated = await client.UpdateRecordAsync(domain, created.Id, new DomainRecordRequest("A", "shop", "198.51.100.20", 60), None);

        Assert.Equal(("shop", "192.0.2.10", 30), (read.Name, read.Data, read.Ttl));
        Assert.Equal((created.Id, "198.51.100.20", 60), (updated.Id, updated.Data, updated.Ttl));
        var stored = Assert.Single(fx.StandIn.Records(domain));
        Assert.Equal((created.Id, "198.51.100.20"), (stored.Id, stored.Data));
        var writes = fx.StandIn.Mutations.Where(m => m.Path.Contains(domain, StringComparison.Ordinal)).ToList();
        Assert.Equal(["POST", "PUT"], writes.Select(m => m.Method));
        Assert.All(writes, m => Assert.Equal("actions-token", m.TokenUsed));
    }

    [Fact]
    public async Task A_TTL_below_DigitalOceans_minimum_is_refused_before_any_request()
    {
        var requests = fx.StandIn.Requests;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            fx.Client().UpdateRecordAsync("crud.test", 1, new DomainRecordRequest("A", "shop", "192.0.2.10", 29), None));

        Assert.Equal(requests, fx.StandIn.Requests);
    }

    [Fact]
    public async Task A_load_balancer_is_read_with_status_ip_region_droplets_and_health_check()
    {
        const string id = "0f0c4b1e-8d4a-4c59-9a0e-3a5c1a6d2b11";
        fx.StandIn.AddLoadBalancer(id, "shop-ams3", "198.51.100.20", "ams3", "active", [101, 102]);

        var lb = await fx.Client().GetLoadBalancerAsync(id, None);

        Assert.Equal((id, "shop-ams3", "active", "198.51.100.20", "ams3"), (lb.Id, lb.Name, lb.Status, lb.Ip, lb.Region?.Slug));
        Assert.Equal([101L, 102L], lb.DropletIds!);
        Assert.NotNull(lb.HealthCheck?.Protocol);
    }

    [Fact]
    public async Task Droplets_are_listed_by_tag_and_shut_down_then_powered_off_with_the_action_polled_to_completion()
    {
        var a = fx.StandIn.AddDroplet("db-a", "nyc1", ["fence-test-db", "shop"]);
        var b = fx.StandIn.AddDroplet("db-b", "nyc1", ["fence-test-db"]);
        fx.StandIn.AddDroplet("app-a", "nyc1", ["shop"]);
        fx.StandIn.ActionDuration = TimeSpan.FromMilliseconds(300);
        var client = fx.Client();

        var tagged = await client.ListDropletsByTagAsync("fence-test-db", None);
        var shutdown = await client.ShutdownDropletAsync(a, None);
        var shutdownDone = await client.WaitForActionAsync(shutdown, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), None);
        var powerOff = await client.PowerOffDropletAsync(b, None);
        var powerOffDone = await client.WaitForActionAsync(powerOff, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100), None);

        Assert.Equal([a, b], tagged.Select(d => d.Id).Order());
        Assert.Equal(DigitalOceanAction.InProgress, shutdown.Status);
        Assert.Equal((DigitalOceanAction.Completed, "shutdown", a), (shutdownDone.Status, shutdownDone.Type, shutdownDone.ResourceId));
        Assert.Equal((DigitalOceanAction.Completed, "power_off"), (powerOffDone.Status, powerOffDone.Type));
        Assert.Equal("off", (await client.GetDropletAsync(a, None)).Status);
        Assert.Equal("off", (await client.GetDropletAsync(b, None)).Status);
    }

    [Fact]
    public async Task Prism_rejects_a_request_that_breaks_the_spec_so_the_check_is_really_on()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(fx.Prism.Url, "v2/domains/crud.test/records/1"))
        {
            Content = new StringContent("""{"type":123,"ttl":"thirty","data":false}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DigitalOceanFixture.ActionsToken);
        var requests = fx.StandIn.Requests;

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var violations = problem.RootElement.GetProperty("validation").EnumerateArray()
            .Select(v => string.Join('.', v.GetProperty("location").EnumerateArray().Select(l => l.GetString()))).ToList();
        Assert.Equal(["body.data", "body.ttl", "body.type"], violations.Order());
        Assert.Equal(requests, fx.StandIn.Requests);   // not forwarded
    }
}
