using Akka.TestKit.Xunit2;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;

namespace Mesh.Integration.Tests;

/// <summary>The PostgreSQL probe against a real primary and a real streaming standby.</summary>
public sealed class PostgresProbeTests(PostgresPair pg) : TestKit, IClassFixture<PostgresPair>
{
    private static readonly ProbeSettings Fast = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), 2, 3, TimeSpan.Zero);

    private static readonly MeshOptions Options = new()
    {
        Regions = [new RegionOptions { Name = "nyc1", Kind = RegionKinds.Site }, new RegionOptions { Name = "ams3", Kind = RegionKinds.Site }],
        Targets =
        [
            new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db" },
            new TargetOptions { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db" },
        ],
    };

    private async Task<CheckResult> CheckAsync(int port)
    {
        await using var probe = new PostgresProbe(pg.ConnectionString(port), Fast);
        return await probe.CheckAsync(CancellationToken.None);
    }

    /// <summary>The standby's lag as the API computes it, from one check of each server.</summary>
    private async Task<(long? LagBytes, ProbeFacts Standby)> LagAsync()
    {
        var primary = await CheckAsync(pg.PrimaryPort);
        var standby = await CheckAsync(pg.StandbyPort);
        var states = new Dictionary<(string, string), ProbeState?>
        {
            [("nyc1", "pg-nyc1")] = State("pg-nyc1", primary),
            [("nyc1", "pg-ams3")] = State("pg-ams3", standby),
        };
        var view = TargetViews.Build(Options, Options.Targets[1], states);
        return (view.Views.Single(v => v.Vantage == "nyc1").Details.LagBytes, standby.Facts);
    }

    private static ProbeState State(string id, CheckResult r) =>
        new(new TargetObserved("nyc1", id, ProbeStatus.Healthy, null, DateTimeOffset.UtcNow, r.Latency.TotalMilliseconds, 0, r.Error, r.Facts), []);

    [Fact]
    public async Task Roles_and_replication_facts_come_from_the_servers()
    {
        var primary = await CheckAsync(pg.PrimaryPort);
        var standby = await CheckAsync(pg.StandbyPort);

        Assert.True(primary.Passed, primary.Error);
        Assert.Equal(ServerRoles.Primary, primary.Facts.Role);
        Assert.NotNull(primary.Facts.WritePosition);
        Assert.Equal(1, primary.Facts.Replicas);
        Assert.Equal(1, primary.Facts.Timeline);

        Assert.True(standby.Passed, standby.Error);
        Assert.Equal(ServerRoles.Standby, standby.Facts.Role);
        Assert.Equal("streaming", standby.Facts.UpstreamStatus);
        Assert.False(standby.Facts.ReplayPaused);
        Assert.NotNull(standby.Facts.ReplayPosition);
        Assert.Equal(1, standby.Facts.Timeline);
        Assert.Null(standby.Facts.WritePosition);
    }

    [Fact]
    public async Task Lag_grows_while_replay_is_paused_and_shrinks_after_resume()
    {
        await pg.ExecAsync(pg.PrimaryPort, "CREATE TABLE IF NOT EXISTS lag_test (id serial, payload text)");
        await AwaitLagAsync(lag => lag == 0, "the standby catches up before the test");

        await pg.ExecAsync(pg.StandbyPort, "SELECT pg_wal_replay_pause()");
        try
        {
            await pg.ExecAsync(pg.PrimaryPort, "INSERT INTO lag_test (payload) SELECT repeat('x', 1000) FROM generate_series(1, 2000)");
            var paused = await AwaitLagAsync(lag => lag > 1_000_000, "lag grows past the 2 MB written while replay is paused");
            Assert.True(paused.Standby.ReplayPaused);
        }
        finally
        {
            await pg.ExecAsync(pg.StandbyPort, "SELECT pg_wal_replay_resume()");
        }
        var resumed = await AwaitLagAsync(lag => lag == 0, "lag returns to 0 after resume");
        Assert.False(resumed.Standby.ReplayPaused);
        Assert.Equal(0, resumed.Standby.LagSeconds);
    }

    private async Task<(long? LagBytes, ProbeFacts Standby)> AwaitLagAsync(Func<long, bool> condition, string what)
    {
        (long? LagBytes, ProbeFacts Standby) lag = default;
        await Eventually.UntilAsync(async () => (lag = await LagAsync()).LagBytes is { } bytes && condition(bytes),
            TimeSpan.FromSeconds(30), () => $"{what}; last lag {lag.LagBytes}");
        return lag;
    }

    [Fact]
    public async Task A_stopped_standby_turns_unhealthy_within_fall_intervals_and_healthy_after_rise()
    {
        var target = Options.Targets[1];
        var observers = CreateTestProbe();
        var factory = new SingleProbeFactory(() => new PostgresProbe(pg.ConnectionString(pg.StandbyPort), Fast));
        Sys.ActorOf(ProbeActor.Props("ams3", target, Fast, factory, observers));
        observers.FishForMessage<TargetObserved>(o => o.Status == ProbeStatus.Healthy, TimeSpan.FromSeconds(10));

        await pg.StopStandbyAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var down = observers.FishForMessage<TargetObserved>(o => o.Status == ProbeStatus.Unhealthy, TimeSpan.FromSeconds(15));
        var detection = clock.Elapsed;
        try
        {
            // Fall checks, one interval apart, plus one check's timeout; and a second for scheduling on a busy machine.
            Assert.True(detection <= Fast.Fall * Fast.Interval + Fast.Timeout + TimeSpan.FromSeconds(1), $"took {detection.TotalMilliseconds:0} ms");
            // The phase, then the reason in words: "connect: connection refused" once the server is gone,
            // or the query's error if the kept connection broke mid-check. Never a stack trace.
            Assert.Matches("^(connect|query): [a-z0-9]", down.Error);
            Assert.DoesNotContain("Exception", down.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(" at ", down.Error, StringComparison.Ordinal);
            Assert.Equal(Fast.Fall, down.ConsecutiveFailures);
        }
        finally
        {
            await pg.StartStandbyAsync();
        }
        var passes = 0;
        var up = observers.FishForMessage<TargetObserved>(o => (passes = o.Error is null ? passes + 1 : 0) > 0 && o.Status == ProbeStatus.Healthy, TimeSpan.FromSeconds(30));
        Assert.Equal(Fast.Rise, passes);
        Assert.Equal(up.LastCheck, up.Since);
    }
}

internal sealed class SingleProbeFactory(Func<IProbe> create) : IProbeFactory
{
    public IProbe Create(TargetOptions target) => create();
}
