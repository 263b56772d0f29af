using Mesh.Actors.Actions;
using Mesh.Actors.DigitalOcean;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Integration.Tests.Servers;
using Mesh.Node.StandIns.DigitalOcean;

namespace Mesh.Integration.Tests.Failover;

/// <summary>Rule 11's survey on real servers: what the reconciliation is given is what the servers and DNS record.</summary>
public sealed class ResourceSurveyTests : IAsyncLifetime
{
    private const string Domain = "shop.test";
    private readonly PostgresPair _pg = new();
    private DigitalOceanStandIn _do = null!;
    private ResourceActions _actions = null!;

    public async Task InitializeAsync()
    {
        await _pg.InitializeAsync();
        _do = await DigitalOceanStandIn.StartAsync(new StandInOptions("dop_v1_read_token", "dop_v1_actions_token"));
        _do.AddDomain(Domain);
        _do.AddRecord(Domain, "A", "www", "192.0.2.10", 30);
    }

    public async Task DisposeAsync()
    {
        if (_actions is not null) await _actions.DisposeAsync();
        await _do.DisposeAsync();
        await _pg.DisposeAsync();
    }

    private ResourceSurvey Survey()
    {
        var options = new MeshOptions
        {
            Regions = [new RegionOptions { Name = "nyc1", Kind = RegionKinds.Site }, new RegionOptions { Name = "ams3", Kind = RegionKinds.Site }],
            Targets =
            [
                new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db", ConnectionString = _pg.ConnectionString(_pg.PrimaryPort) },
                new TargetOptions { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db", ConnectionString = _pg.ConnectionString(_pg.StandbyPort) },
            ],
            Failover = new FailoverOptions
            {
                Dns = new DnsOptions { Domain = Domain, Records = [new DnsRecordOptions { Name = "www" }], Values = new Dictionary<string, string> { ["nyc1"] = "192.0.2.10", ["ams3"] = "198.51.100.20" } },
            },
        };
        var client = new DigitalOceanClient(DigitalOceanResilience.CreateHttpClient(new DigitalOceanRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(20) }),
            _do.BaseAddress, "dop_v1_read_token", "dop_v1_actions_token");
        _actions = new ResourceActions(options, SystemConfigEnvironment.Instance);
        return new ResourceSurvey(options, _actions, new DigitalOceanDnsSwitcher(client, options.Failover.Dns!));
    }

    [Fact]
    public async Task A_fresh_shop_confirms_InitialActiveRegion()
    {
        var found = await Survey().TakeAsync(CancellationToken.None);

        Assert.Equal([("pg-nyc1", true, false, false), ("pg-ams3", true, true, false)], found.Postgres.Select(p => (p.Target, p.Reachable, p.InRecovery, p.Fenced)));
        var record = Assert.Single(found.Dns);
        Assert.Equal(("192.0.2.10", "nyc1", (Epoch?)null), (record.Value, record.ValueRegion, record.TxtEpoch));
        Assert.True(Reconciliation.Check(null, found, "nyc1", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(15)).Agrees);
    }

    [Fact]
    public async Task After_a_failover_a_first_start_with_lost_state_is_blocked_not_pointed_back()
    {
        var survey = Survey();
        var epoch = new Epoch(7, "coordinator");
        await _actions.Postgres(new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, ConnectionString = _pg.ConnectionString(_pg.PrimaryPort) })
            .FenceAsync(epoch, FenceMode.Strict, CancellationToken.None);
        _do.AddRecord(Domain, "TXT", "_healthmesh.www", EpochMarker.Format(7, "ams3"), 30);

        var found = await survey.TakeAsync(CancellationToken.None);
        var verdict = Reconciliation.Check(null, found, "nyc1", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(15));

        var nyc = found.Postgres.Single(p => p.Target == "pg-nyc1");
        Assert.Equal((true, false, true, (Epoch?)epoch), (nyc.Reachable, nyc.InRecovery, nyc.Fenced, nyc.Epoch));
        Assert.Equal((7L, "ams3"), (found.Dns.Single().TxtEpoch!.Value.Counter, found.Dns.Single().TxtActive));
        Assert.False(verdict.Agrees);
        Assert.Contains("no failover state is stored, but the resources record epoch 7: the mesh has acted before (data directories lost?)", verdict.Disagreements);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_reported_with_the_reason()
    {
        await _pg.StopStandbyAsync();

        var found = await Survey().TakeAsync(CancellationToken.None);

        var ams = found.Postgres.Single(p => p.Target == "pg-ams3");
        Assert.False(ams.Reachable);
        Assert.Contains("127.0.0.1", ams.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(_pg.Password, ams.Error!, StringComparison.Ordinal);
    }
}
