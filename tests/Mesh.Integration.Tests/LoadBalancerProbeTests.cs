using System.Collections.Concurrent;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.TestKit.Xunit2;
using Mesh.Actors.DigitalOcean;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using Mesh.Integration.Tests.Servers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Mesh.Integration.Tests;

/// <summary>Load balancers: their status from a local stand-in of the DigitalOcean API, and an HTTP check through them.</summary>
public sealed class LoadBalancerProbeTests : TestKit, IAsyncLifetime
{
    private const string LbId = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
    private const string Token = "dop_v1_test_token_0123";
    private static readonly ProbeSettings Fast = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), 1, 1, TimeSpan.Zero);
    private readonly ConcurrentQueue<(string Path, string? Authorization, DateTimeOffset At)> _requests = new();
    private string _status = "active";
    private int _failWith;
    private LoopbackHttpServer _api = null!;
    private LoopbackHttpServer _site = null!;

    public async Task InitializeAsync()
    {
        _api = await LoopbackHttpServer.StartAsync(app => app.MapGet("/v2/load_balancers/{id}", (string id, HttpRequest request) =>
        {
            _requests.Enqueue((request.Path, request.Headers.Authorization.ToString(), DateTimeOffset.UtcNow));
            if (_failWith != 0)
                return Results.Json(new { id = "too_many_requests", message = "API Rate limit exceeded.", request_id = "req-1" }, statusCode: _failWith);
            return Results.Json(new { load_balancer = new { id, name = "shop-nyc1", status = _status, ip = "203.0.113.10" } });
        }));
        _site = await LoopbackHttpServer.StartProbeTargetsAsync();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _site.DisposeAsync();
    }

    private DigitalOceanClient Client() => new(new HttpClient(), new Uri(_api.Url), Token);

    [Fact]
    public void The_reader_publishes_each_status_at_its_interval_and_an_API_error_as_unknown()
    {
        var mediator = CreateTestProbe();
        Sys.ActorOf(LoadBalancerStatusReader.Props(Client(), [LbId], mediator, TimeSpan.FromMilliseconds(300)));

        var first = (LoadBalancerObserved)mediator.ExpectMsg<Publish>(p => p.Topic == LoadBalancerObserved.Topic).Message;
        _failWith = 503;
        var second = (LoadBalancerObserved)mediator.ExpectMsg<Publish>(TimeSpan.FromSeconds(3)).Message;

        Assert.Equal(("active", (string?)null), (first.Status, first.Error));
        Assert.Null(second.Status);
        Assert.Contains("503", second.Error, StringComparison.Ordinal);
        var times = _requests.Select(r => r.At).ToList();
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(250), "no faster than its interval");
    }

    [Theory]
    [InlineData("active", "/ok", true, null)]
    [InlineData("errored", "/ok", false, "DigitalOcean reports the load balancer as 'errored'")]
    [InlineData("new", "/ok", false, "DigitalOcean reports the load balancer as 'new'")]
    [InlineData(null, "/ok", true, null)]                          // status unknown (API error): never unhealthy by itself
    [InlineData("active", "/fail", false, "HTTP 500 (expected 200)")]
    public async Task The_check_combines_the_status_with_HTTP_through_the_load_balancer(string? status, string path, bool passed, string? error)
    {
        var statuses = new LoadBalancerStatuses();
        statuses.Update(new LoadBalancerObserved(LbId, status, DateTimeOffset.UtcNow, status is null ? "DigitalOcean API answered 503" : null));
        await using var probe = new LoadBalancerProbe(LbId, new HttpProbe(new Uri(_site.Url + path), null, null, Fast), statuses);

        var result = await probe.CheckAsync(CancellationToken.None);

        Assert.Equal((passed, error), (result.Passed, result.Error));
        Assert.Equal(status, result.Facts.LoadBalancerStatus);
    }

    [Fact]
    public void The_factory_builds_every_kind_with_its_secrets_resolved()
    {
        var options = new MeshOptions();
        var factory = new ProbeFactory(options, SystemConfigEnvironment.Instance, new LoadBalancerStatuses());
        Assert.IsType<LoadBalancerProbe>(factory.Create(new TargetOptions { Id = "lb", Kind = TargetKinds.LoadBalancer, LoadBalancerId = LbId, Url = _site.Url }));
        Assert.IsType<HttpProbe>(factory.Create(new TargetOptions { Id = "app", Kind = TargetKinds.Http, Url = _site.Url }));
        Assert.IsType<RedisProbe>(factory.Create(new TargetOptions { Id = "r", Kind = TargetKinds.Redis, Endpoint = "127.0.0.1:1" }));
        Assert.IsType<PostgresProbe>(factory.Create(new TargetOptions { Id = "p", Kind = TargetKinds.Postgres, ConnectionString = "Host=127.0.0.1;Port=1" }));
    }
}
