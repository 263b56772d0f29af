using System.Net;
using System.Net.Sockets;
using Mesh.Actors.Actions;
using Mesh.Actors.DigitalOcean;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Integration.Tests.Postgres;
using Mesh.Integration.Tests.Servers;
using Mesh.Node.StandIns.DigitalOcean;
using Npgsql;

namespace Mesh.Integration.Tests.Failover;

/// <summary>
/// The plan of a failover run step by step against real servers (SPEC 6 rules 5, 6, 10): a PostgreSQL primary
/// with its streaming standby, a Redis primary with its replica, and the DigitalOcean stand-in for the
/// droplets' power-off and the DNS switch.
/// </summary>
public sealed partial class MeshPlanExecutorTests : IAsyncLifetime
{
    private const string Domain = "shop.test";
    private const string NycValue = "192.0.2.10";
    private const string AmsValue = "198.51.100.20";
    private readonly PostgresPair _pg = new();
    private readonly RedisPair _redis = new();
    private DigitalOceanStandIn _do = null!;
    private ResourceActions _actions = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_pg.InitializeAsync(), _redis.InitializeAsync());
        _do = await DigitalOceanStandIn.StartAsync(new StandInOptions("dop_v1_read_token", "dop_v1_actions_token"));
        _do.AddDomain(Domain);
        _do.AddRecord(Domain, "A", "shop", NycValue, 30);
    }

    public async Task DisposeAsync()
    {
        if (_actions is not null) await _actions.DisposeAsync();
        await _do.DisposeAsync();
        await Task.WhenAll(_pg.DisposeAsync(), _redis.DisposeAsync());
    }

    private MeshOptions Options() => new()
    {
        Regions = [new RegionOptions { Name = "nyc1", Kind = RegionKinds.Site }, new RegionOptions { Name = "ams3", Kind = RegionKinds.Site }],
        Targets =
        [
            new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db", ConnectionString = _pg.ConnectionString(_pg.PrimaryPort) },
            new TargetOptions { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db", ConnectionString = _pg.ConnectionString(_pg.StandbyPort) },
            new TargetOptions { Id = "redis-nyc1", Kind = TargetKinds.Redis, Region = "nyc1", Group = "cache", Endpoint = _redis.Endpoint(_redis.PrimaryPort), Password = _redis.Password },
            new TargetOptions { Id = "redis-ams3", Kind = TargetKinds.Redis, Region = "ams3", Group = "cache", Endpoint = _redis.Endpoint(_redis.ReplicaPort), Password = _redis.Password },
        ],
        Failover = new FailoverOptions
        {
            Dns = new DnsOptions { Domain = Domain, Records = [new DnsRecordOptions { Name = "shop", Ttl = 30 }], Values = new Dictionary<string, string> { ["nyc1"] = NycValue, ["ams3"] = AmsValue } },
            Fencing = new FencingOptions { PowerOffDroplets = true, DropletTags = new Dictionary<string, string> { ["nyc1"] = "shop-db-nyc1", ["ams3"] = "shop-db-ams3" } },
        },
    };

    private MeshPlanExecutor Executor(MeshOptions options)
    {
        var client = new DigitalOceanClient(DigitalOceanResilience.CreateHttpClient(new DigitalOceanRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(20) }),
            _do.BaseAddress, "dop_v1_read_token", "dop_v1_actions_token");
        _actions = new ResourceActions(options, SystemConfigEnvironment.Instance);
        return new MeshPlanExecutor(options, _actions, new DigitalOceanDnsSwitcher(client, options.Failover.Dns!), client);
    }

    [Fact]
    public async Task A_failover_fences_and_powers_off_the_old_region_promotes_both_standbys_and_switches_DNS_and_a_rerun_changes_nothing()
    {
        var options = Options();
        var executor = Executor(options);
        // A power-off takes a while, as DigitalOcean's do: the live old primary's fence finishes first and is confirmed.
        _do.ActionDuration = TimeSpan.FromSeconds(2);
        var dbA = _do.AddDroplet("db-nyc1", "nyc1", ["shop-db-nyc1"]);
        var appB = _do.AddDroplet("db-ams3", "ams3", ["shop-db-ams3"]);
        await PgClient.ExecAsync(_pg.ConnectionString(_pg.PrimaryPort), "CREATE TABLE orders (id int primary key); INSERT INTO orders VALUES (1), (2), (3)");
        await _redis.ExecAsync(_redis.PrimaryPort, db => db.StringSetAsync("cart:1", "apples"));
        var epoch = new Epoch(1, "test-coordinator");
        var move = new Move(DecisionKinds.Failover, "nyc1", "ams3", epoch, DateTimeOffset.UtcNow, "nyc1 down", null, false, false,
            PlanSteps.Pending(PlanSteps.For(options, "nyc1", "ams3")));

        var outcomes = new List<(string Step, StepOutcome Outcome)>();
        foreach (var step in move.Steps.Select(s => s.Name))
            outcomes.Add((step, await executor.RunAsync(move, step, CancellationToken.None)));

        Assert.Equal(["fence:nyc1", "grant-leases:ams3", "promote-postgres:pg-ams3", "promote-redis:redis-ams3", "switch-dns:shop"], outcomes.Select(o => o.Step));
        Assert.All(outcomes, o => Assert.True(o.Outcome.Ok, $"{o.Step}: {o.Outcome.Error}"));
        var fence = outcomes[0].Outcome.Fence!;
        Assert.Empty(fence.FenceFailures);
        Assert.Equal(FenceEvidence.PowerOff, FenceEvidencePolicy.Evaluate("nyc1", fence, new FenceSettings(PostgresFencing.Strict, false, TimeSpan.FromSeconds(15)), false).FencedBy);
        Assert.True(fence.GuardsConfirmed);
        Assert.Equal(("off", "active"), (_do.DropletStatus(dbA), _do.DropletStatus(appB)));

        // The old primary takes no new sessions; the promoted standby takes them, has the data, writes, and records the epoch.
        await Assert.ThrowsAnyAsync<PostgresException>(() => PgClient.OpenAsync(_pg.ConnectionString(_pg.PrimaryPort)));
        await PgClient.ExecAsync(_pg.ConnectionString(_pg.StandbyPort), "INSERT INTO orders VALUES (4)");
        Assert.Equal(4L, await PgClient.ScalarAsync<long>(_pg.ConnectionString(_pg.StandbyPort), "SELECT count(*) FROM orders"));
        var promoted = await _actions.Postgres(options.Targets[1]).ReadAsync(CancellationToken.None);
        Assert.Equal((false, (Epoch?)epoch), (promoted.InRecovery, promoted.Epoch));

        // Redis: the replica is the primary now, and the old primary follows it.
        var b = await _actions.Redis(options.Targets[3]).ReadAsync(CancellationToken.None);
        var a = await _actions.Redis(options.Targets[2]).ReadAsync(CancellationToken.None);
        Assert.Equal((RedisRole.Primary, true, (Epoch?)epoch), (b.Role, b.AcceptsWrites, b.RecordedEpoch));
        Assert.Equal((RedisRole.Replica, _redis.Endpoint(_redis.ReplicaPort)), (a.Role, a.Master));

        // DNS points at ams3 and carries the epoch.
        var records = _do.Records(Domain);
        Assert.Equal(AmsValue, records.Single(r => r.Type == "A").Data);
        Assert.Equal("healthmesh epoch=1 active=ams3", records.Single(r => r.Type == "TXT").Data);

        // Every step is idempotent: a coordinator that resumes after a crash may run any of them again.
        var mutations = _do.Mutations.Count(m => m.Path.Contains(Domain, StringComparison.Ordinal));
        var timeline = promoted.Timeline;
        foreach (var step in move.Steps.Select(s => s.Name).Where(s => !s.StartsWith("fence:", StringComparison.Ordinal)))
            Assert.True((await executor.RunAsync(move, step, CancellationToken.None)).Ok, step);
        Assert.Equal(timeline, (await _actions.Postgres(options.Targets[1]).ReadAsync(CancellationToken.None)).Timeline);
        Assert.Equal(mutations, _do.Mutations.Count(m => m.Path.Contains(Domain, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Droplets_read_back_off_end_the_fence_without_waiting_for_servers_that_never_answer()
    {
        // The old region's machines hang: TCP connects, nothing ever answers (a listener that never accepts).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var options = Options() is var o ? o with
        {
            Targets = [.. o.Targets.Select(t => t.Region != "nyc1" ? t : t.Kind == TargetKinds.Postgres
                ? t with { ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=x;Database=postgres" }
                : t with { Endpoint = $"127.0.0.1:{port}" })],
        } : null!;
        var executor = Executor(options);
        var dbA = _do.AddDroplet("db-nyc1", "nyc1", ["shop-db-nyc1"]);
        var move = new Move(DecisionKinds.Failover, "nyc1", "ams3", new Epoch(1, "test-coordinator"), DateTimeOffset.UtcNow, "nyc1 down", null, false, false,
            PlanSteps.Pending(PlanSteps.For(options, "nyc1", "ams3")));

        var outcome = await executor.RunAsync(move, "fence:nyc1", CancellationToken.None);

        // Power-off is the evidence; the server fences, still waiting on their connect timeouts, were given up, not failed.
        Assert.True(outcome.Ok, outcome.Error);
        var fence = outcome.Fence!;
        Assert.Equal((true, false), (fence.DropletsOff, fence.GuardsConfirmed));
        Assert.True(fence.FenceFailures.Count == 0, string.Join(" | ", fence.FenceFailures));
        Assert.Equal("off", _do.DropletStatus(dbA));
        Assert.Equal(FenceEvidence.PowerOff, FenceEvidencePolicy.Evaluate("nyc1", fence, new FenceSettings(PostgresFencing.Strict, false, TimeSpan.FromSeconds(15)), false).FencedBy);
    }

    [Fact]
    public async Task Without_power_off_the_fence_waits_for_every_server_and_the_guards_confirm_it()
    {
        var options = Options() is var o ? o with { Failover = o.Failover with { Fencing = o.Failover.Fencing with { PowerOffDroplets = false } } } : null!;
        var executor = Executor(options);
        var move = new Move(DecisionKinds.Failover, "nyc1", "ams3", new Epoch(1, "test-coordinator"), DateTimeOffset.UtcNow, "nyc1 down", null, false, false,
            PlanSteps.Pending(PlanSteps.For(options, "nyc1", "ams3")));

        var outcome = await executor.RunAsync(move, "fence:nyc1", CancellationToken.None);

        Assert.True(outcome.Ok, outcome.Error);
        var fence = outcome.Fence!;
        Assert.Equal((true, (bool?)null), (fence.GuardsConfirmed, fence.DropletsOff));
        Assert.Empty(fence.FenceFailures);
        Assert.Equal(FenceEvidence.Guards, FenceEvidencePolicy.Evaluate("nyc1", fence, new FenceSettings(PostgresFencing.Strict, false, TimeSpan.FromSeconds(15)), false).FencedBy);
        await Assert.ThrowsAnyAsync<PostgresException>(() => PgClient.OpenAsync(_pg.ConnectionString(_pg.PrimaryPort)));
    }

    [Fact]
    public async Task A_stale_coordinator_cannot_promote_or_switch_after_a_newer_decision()
    {
        var options = Options();
        var executor = Executor(options);
        var newer = new Move(DecisionKinds.Failover, "nyc1", "ams3", new Epoch(5, "newer"), DateTimeOffset.UtcNow, "r", null, false, false, []);
        var stale = newer with { Epoch = new Epoch(4, "stale") };
        Assert.True((await executor.RunAsync(newer, "switch-dns:shop", CancellationToken.None)).Ok);

        var dns = await executor.RunAsync(stale with { From = "ams3", To = "nyc1" }, "switch-dns:shop", CancellationToken.None);

        Assert.False(dns.Ok);
        Assert.Contains("records epoch 5/, newer than the epoch 4/stale of this switch-dns", dns.Error, StringComparison.Ordinal);
        Assert.Equal(AmsValue, _do.Records(Domain).Single(r => r.Type == "A").Data);
    }
}
