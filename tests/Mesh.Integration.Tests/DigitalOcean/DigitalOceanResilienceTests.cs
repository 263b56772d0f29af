using System.Diagnostics;
using Mesh.Actors.DigitalOcean;

namespace Mesh.Integration.Tests.DigitalOcean;

/// <summary>Retries through the validating proxy: what is retried, what is not, how long it waits, what an error says.</summary>
[Collection(DigitalOceanCollection.Name)]
public sealed class DigitalOceanResilienceTests(DigitalOceanFixture fx)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private string LoadBalancer()
    {
        var id = Guid.NewGuid().ToString();
        fx.StandIn.AddLoadBalancer(id, "lb", "203.0.113.10", "nyc1");
        return id;
    }

    [Fact]
    public async Task A_storm_of_429s_is_waited_out_and_the_read_succeeds()
    {
        var id = LoadBalancer();
        var requests = fx.StandIn.Requests;
        fx.StandIn.FailNext(3, 429);

        var lb = await fx.Client().GetLoadBalancerAsync(id, None);

        Assert.Equal("active", lb.Status);
        Assert.Equal(4, fx.StandIn.Requests - requests);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        var id = LoadBalancer();
        fx.StandIn.FailNext(1, 429, retryAfter: TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();

        await fx.Client().GetLoadBalancerAsync(id, None);

        // The client's own backoff is 20 ms here: only the server's Retry-After explains a wait this long.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"retried after {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_500_on_a_read_or_an_update_is_retried()
    {
        const string domain = "retry.test";
        fx.StandIn.AddDomain(domain);
        var record = fx.StandIn.AddRecord(domain, "A", "shop", "192.0.2.10", 30);
        var client = fx.Client();

        fx.StandIn.FailNext(1, 500);
        var read = await client.GetRecordAsync(domain, record.Id, None);
        fx.StandIn.FailNext(2, 503);
        var updated = await client.UpdateRecordAsync(domain, record.Id, new DomainRecordRequest("A", "shop", "198.51.100.20", 30), None);

        Assert.Equal("192.0.2.10", read.Data);
        Assert.Equal("198.51.100.20", updated.Data);
    }

    [Fact]
    public async Task A_create_that_may_have_succeeded_is_not_repeated_but_one_refused_by_a_429_is()
    {
        const string domain = "create.test";
        fx.StandIn.AddDomain(domain);
        var client = fx.Client();

        fx.StandIn.FailNext(1, 500);
        var failed = await Assert.ThrowsAsync<DigitalOceanApiException>(() =>
            client.CreateRecordAsync(domain, new DomainRecordRequest("A", "a", "192.0.2.10", 30), None));
        fx.StandIn.FailNext(2, 429);
        var created = await client.CreateRecordAsync(domain, new DomainRecordRequest("A", "b", "192.0.2.11", 30), None);

        Assert.Equal(500, failed.Status);
        Assert.Equal("b", created.Name);
        Assert.Equal(["b"], fx.StandIn.Records(domain).Select(r => r.Name));
    }

    [Fact]
    public async Task A_shutdown_is_safe_to_repeat_so_a_500_is_retried()
    {
        var droplet = fx.StandIn.AddDroplet("db-retry", "nyc1", ["retry-test"]);
        fx.StandIn.FailNext(1, 500);

        var action = await fx.Client().ShutdownDropletAsync(droplet, None);

        Assert.Equal("shutdown", action.Type);
    }

    [Fact]
    public async Task A_bad_token_is_a_clear_401_that_is_not_retried_and_names_no_token()
    {
        var id = LoadBalancer();
        var requests = fx.StandIn.Requests;
        const string wrong = "dop_v1_wrong_token_999";

        var e = await Assert.ThrowsAsync<DigitalOceanApiException>(() => fx.Client(token: wrong).GetLoadBalancerAsync(id, None));

        Assert.True(e.IsUnauthorized);
        Assert.Equal("unauthorized", e.ErrorId);
        Assert.Equal("DigitalOcean API answered GET /v2/load_balancers/{id} with 401 unauthorized: Unable to authenticate you." +
                     (e.RequestId is null ? "" : $" (request {e.RequestId})"), e.Message);
        Assert.Equal(1, fx.StandIn.Requests - requests);
        foreach (var secret in new[] { wrong, DigitalOceanFixture.Token, DigitalOceanFixture.ActionsToken })
            Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_with_a_token_without_write_scope_is_refused_with_403()
    {
        fx.StandIn.AddDomain("scope.test");

        var e = await Assert.ThrowsAsync<DigitalOceanApiException>(() =>
            fx.Client(actionsToken: DigitalOceanFixture.Token).CreateRecordAsync("scope.test", new DomainRecordRequest("A", "x", "192.0.2.1", 30), None));

        Assert.Equal((403, "forbidden"), (e.Status, e.ErrorId));
        Assert.Empty(fx.StandIn.Records("scope.test"));
    }

    [Fact]
    public async Task An_API_that_does_not_answer_is_an_error_without_a_status()
    {
        var dead = new DigitalOceanClient(DigitalOceanResilience.CreateHttpClient(DigitalOceanFixture.FastRetries with { MaxRetries = 1 }),
            new Uri($"http://127.0.0.1:{Mesh.Tests.Shared.FreePorts.Next()}/"), DigitalOceanFixture.Token);

        var e = await Assert.ThrowsAsync<DigitalOceanApiException>(() => dead.GetAccountAsync(None));

        Assert.Null(e.Status);
        Assert.StartsWith("DigitalOcean API did not answer GET /v2/account: ", e.Message, StringComparison.Ordinal);
    }
}
