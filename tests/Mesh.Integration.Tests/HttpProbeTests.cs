using Mesh.Tests.Shared;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using Mesh.Integration.Tests.Servers;

namespace Mesh.Integration.Tests;

/// <summary>The HTTP probe against a real server on loopback.</summary>
public sealed class HttpProbeTests : TestKit, IAsyncLifetime
{
    private static readonly ProbeSettings Fast = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), 1, 1, TimeSpan.Zero);
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartProbeTargetsAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<CheckResult> CheckAsync(string path, int? expectStatus = null, string? expectBody = null)
    {
        await using var probe = new HttpProbe(new Uri(_server.Url + path), expectStatus, expectBody, Fast);
        return await probe.CheckAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("/ok", null, null, true, null)]
    [InlineData("/ok", null, "status: ok", true, null)]
    [InlineData("/ok", null, "status: degraded", false, "the body does not contain 'status: degraded'")]
    [InlineData("/fail", null, null, false, "HTTP 500 (expected 200)")]
    [InlineData("/created", 201, null, true, null)]
    [InlineData("/ok", 204, null, false, "HTTP 200 (expected 204)")]
    [InlineData("/nothing", null, null, false, "HTTP 404 (expected 200)")]
    public async Task Status_and_body_decide_the_check(string path, int? expectStatus, string? expectBody, bool passed, string? error)
    {
        var result = await CheckAsync(path, expectStatus, expectBody);

        Assert.Equal(passed, result.Passed);
        Assert.Equal(error, result.Error);
        Assert.NotNull(result.Facts.HttpStatus);
    }

    [Fact]
    public async Task A_refused_connection_is_said_in_words()
    {
        await using var probe = new HttpProbe(new Uri($"http://127.0.0.1:{FreePorts.Next()}/"), null, null, Fast);

        var result = await probe.CheckAsync(CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("connection refused", result.Error);
    }

    [Fact]
    public async Task A_hung_server_hits_the_timeout()
    {
        // A cancelled request closes its connection, so each check of a hung server may connect anew:
        // it gets ConnectTimeout + Timeout, and no more.
        await using var probe = new HttpProbe(new Uri(_server.Url + "/hang"), null, null, Fast);

        var result = await probe.CheckAsync(CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("timed out after 1300 ms", result.Error);
        Assert.InRange(result.Latency, Fast.CheckBudget - TimeSpan.FromMilliseconds(50), Fast.CheckBudget + TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_hung_target_does_not_slow_the_probes_of_other_targets()
    {
        var healthy = CreateTestProbe();
        var hung = CreateTestProbe();
        var hungSettings = Fast with { Timeout = TimeSpan.FromSeconds(2), ConnectTimeout = TimeSpan.FromSeconds(2) };
        Sys.ActorOf(ProbeActor.Props("nyc1", Target("hung"), hungSettings, new SingleProbeFactory(() => new HttpProbe(new Uri(_server.Url + "/hang"), null, null, hungSettings)), hung));
        Sys.ActorOf(ProbeActor.Props("nyc1", Target("ok"), Fast, new SingleProbeFactory(() => new HttpProbe(new Uri(_server.Url + "/ok"), null, null, Fast)), healthy));

        // The hung check waits out its 4 s budget; meanwhile the healthy target goes on being checked every 100 ms.
        var checks = Enumerable.Range(0, 5).Select(_ => healthy.ExpectMsg<TargetObserved>(TimeSpan.FromSeconds(3))).ToList();
        hung.ExpectNoMsg(TimeSpan.Zero);   // the hung check has not even finished

        Assert.All(checks.Skip(1), c => Assert.Equal(ProbeStatus.Healthy, c.Status));
        var hungResult = hung.ExpectMsg<TargetObserved>(TimeSpan.FromSeconds(10));
        Assert.Equal("timed out after 4000 ms", hungResult.Error);
    }

    private static TargetOptions Target(string id) => new() { Id = id, Kind = TargetKinds.Http, Region = "nyc1", Url = "http://x" };
}
