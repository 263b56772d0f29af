using Mesh.Actors.Actions;
using Mesh.Contracts.Failover;
using Mesh.Integration.Tests.Postgres;
using Mesh.Node.Api;
using Mesh.Node.Demo;
using Mesh.Tests.Shared;
using Npgsql;

namespace Mesh.Integration.Tests.Failover;

/// <summary>
/// SPEC 6's automatic failover end to end on real parts: three <c>health-mesh run</c> processes (nyc1, ams3 and
/// the sfo3 witness), a PostgreSQL primary with its streaming standby, a Redis primary with its replica, and the
/// DigitalOcean stand-in holding the shop's record and droplets. The active region's PostgreSQL primary crashes
/// (SIGKILL of its postmaster; every mesh node stays up) and the mesh's own coordinator, nobody else, moves the
/// shop to ams3. Checked through the HTTP API and on the servers themselves; then the operator rebuilds nyc1 and
/// switches back through the API under a continuous writer.
/// </summary>
public sealed class ProcessFailoverTests : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "mesh-failover-tests", Guid.NewGuid().ToString("N")[..8]);
    private FailoverDrill? _drill;
    private bool _passed;

    public async Task InitializeAsync() => _drill = await FailoverDrill.StartAsync(_workDir, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_drill is not null) await _drill.DisposeAsync();
        // The logs stay for a failed run (the failure names the folder).
        if (_passed) Directory.Delete(_workDir, recursive: true);
    }

    [Fact]
    public async Task A_crashed_primary_is_failed_over_to_ams3_once_and_a_planned_switchover_brings_the_shop_back_losing_no_write()
    {
        var drill = _drill!;
        await drill.WaitReadyAsync(ReadyTimeout, CancellationToken.None);

        var t = await drill.CrashPrimaryAsync(FailoverTimeout, CancellationToken.None);
        Measurements.Record("process failover (SIGKILL of the PostgreSQL primary to the DNS switch read back)", t.Total);
        Console.WriteLine(t);
        foreach (var line in t.Trace) Console.WriteLine("  " + line);

        // The decision and its plan as the API reports them.
        var entry = t.Entry;
        Assert.Equal(("nyc1", "ams3", FenceEvidence.PowerOff), (entry.From, entry.To, entry.FencedBy));
        Assert.Equal(["fence:nyc1", "grant-leases:ams3", "promote-postgres:pg-ams3", "promote-redis:redis-ams3", "switch-dns:www"], entry.Steps.Select(s => s.Name));
        Assert.All(entry.Steps, s => Assert.True(s.Status == StepStatuses.Ok, $"{s.Name}: {s.Status} {s.Error}"));
        Assert.True(entry.Votes.Count(v => v.Verdict == Verdicts.Down) >= LocalMeshConfig.Quorum, string.Join(", ", entry.Votes));
        Assert.Equal((Phases.Completed, "ams3", entry.Epoch), (t.Status.Phase, t.Status.ActiveRegion, t.Status.Epoch));

        // PostgreSQL: ams3's server left recovery, takes writes and records the move's epoch; nyc1's is still down.
        var pg = drill.Stack.Postgres;
        Assert.False(await PgClient.ScalarAsync<bool>(pg.ConnectionString(pg.StandbyPort), "SELECT pg_is_in_recovery()"));
        await PgClient.ExecAsync(pg.ConnectionString(pg.StandbyPort), "CREATE TABLE orders (id int PRIMARY KEY); INSERT INTO orders VALUES (1)");
        Assert.Equal(entry.Epoch, await PgClient.ScalarAsync<long>(pg.ConnectionString(pg.StandbyPort, "healthmesh"), "SELECT counter FROM healthmesh.epoch"));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => PgClient.OpenAsync(pg.ConnectionString(pg.PrimaryPort)));

        // Redis: ams3's is a primary holding the epoch; nyc1's follows it.
        var redis = drill.Stack.Redis;
        Assert.Contains("role:master", await redis.InfoAsync(redis.ReplicaPort, CancellationToken.None), StringComparison.Ordinal);
        await using (var mux = await redis.ConnectAsync(redis.ReplicaPort))
        {
            Assert.True(Epoch.TryParse(await mux.GetDatabase().StringGetAsync(RedisFence.EpochKey), out var recorded), "healthmesh:epoch holds an epoch");
            Assert.Equal(entry.Epoch, recorded.Counter);
        }
        var old = await redis.InfoAsync(redis.PrimaryPort, CancellationToken.None);
        Assert.Contains("role:slave", old, StringComparison.Ordinal);
        Assert.Contains($"master_port:{redis.ReplicaPort}", old, StringComparison.Ordinal);

        // DigitalOcean: the record points at ams3 with the epoch beside it, and nyc1's droplets are off.
        var records = drill.DigitalOcean.StandIn.Records(LocalMeshConfig.Domain);
        Assert.Equal(LocalMeshConfig.RegionValues["ams3"], records.Single(r => r.Type == "A" && r.Name == LocalMeshConfig.RecordName).Data);
        Assert.Equal(EpochMarker.Format(entry.Epoch, "ams3"), records.Single(r => r.Type == "TXT" && r.Name == $"_healthmesh.{LocalMeshConfig.RecordName}").Data);
        Assert.All(drill.DigitalOcean.Droplets["nyc1"], id => Assert.Equal("off", drill.DigitalOcean.StandIn.DropletStatus(id)));
        Assert.All(drill.DigitalOcean.Droplets["ams3"], id => Assert.Equal("active", drill.DigitalOcean.StandIn.DropletStatus(id)));

        // Exactly one failover: poll rounds for a whole confirmation window (Fall x Interval) after it decide nothing more.
        var quiet = t.KilledAt + t.Total + LocalMeshConfig.ProbeFall * LocalMeshConfig.ProbeInterval + LocalMeshConfig.ProbeInterval;
        await Eventually.UntilAsync(async () =>
            (await drill.Mesh.GetAsync<List<RegionView>>(drill.Observer, "api/v1/regions", CancellationToken.None)).Value?
                .SelectMany(r => r.Verdicts).Any(v => v.At >= quiet) == true,
            TimeSpan.FromSeconds(30), "the coordinator keeps polling after the failover");
        var (history, error) = await drill.Mesh.GetAsync<List<HistoryView>>(drill.Observer, "api/v1/failover/history", CancellationToken.None);
        Assert.True(history is not null, error);
        Assert.Equal(entry.Epoch, Assert.Single(history, h => h.Kind == DecisionKinds.Failover).Epoch);
        Assert.DoesNotContain(history, h => h.Epoch > entry.Epoch);

        await SwitchBackAsync(drill, entry.Epoch);
        await AuditSecretsAsync(drill);
        _passed = true;
    }

    /// <summary>
    /// After a failover and a switchover (fences with the DigitalOcean token, promotions with the database and Redis
    /// passwords, probes failing against a dead server): no secret anywhere the mesh shows anything.
    /// </summary>
    private static async Task AuditSecretsAsync(FailoverDrill drill)
    {
        var exhibits = await SecretsAudit.CollectAsync(drill, CancellationToken.None);
        // The audit read the real thing: logs with the probes' failures, the history with both moves' steps, the metrics.
        Assert.All(drill.Mesh.Nodes, n => Assert.Contains(exhibits, e => e.Source == $"{n.Name} log" && e.Text.Length > 0));
        Assert.Contains(exhibits, e => e.Source.EndsWith(" log", StringComparison.Ordinal) && e.Text.Contains("pg-nyc1", StringComparison.Ordinal));
        Assert.Contains(exhibits, e => e.Source.EndsWith("GET /api/v1/failover/history", StringComparison.Ordinal)
            && e.Text.Contains("promote-postgres:pg-ams3", StringComparison.Ordinal) && e.Text.Contains("promote-postgres:pg-nyc1", StringComparison.Ordinal));
        Assert.Contains(exhibits, e => e.Source.EndsWith("GET /metrics", StringComparison.Ordinal) && e.Text.Contains("mesh_target_up{", StringComparison.Ordinal));
        Assert.Contains(exhibits, e => e.Source.EndsWith(" status", StringComparison.Ordinal) && e.Text.StartsWith("exit 0", StringComparison.Ordinal));

        Console.WriteLine($"secrets audit: {exhibits.Count} exhibits, {exhibits.Sum(e => e.Text.Length) / 1024} KiB, {drill.Secrets.Count} secrets");
        Assert.Empty(SecretsAudit.Leaks(exhibits, drill.Secrets));
    }

    /// <summary>
    /// Going back (rule 7), as the README tells an operator: rebuild nyc1's PostgreSQL as ams3's standby, wait until
    /// the mesh finds nyc1 eligible, then ask for a planned switchover (forced past the failover's cooldown). A writer
    /// runs throughout; every write either server acknowledged must be on nyc1 afterwards.
    /// </summary>
    private static async Task SwitchBackAsync(FailoverDrill drill, long failoverEpoch)
    {
        var (pg, redis) = (drill.Stack.Postgres, drill.Stack.Redis);
        var (nyc, ams) = (pg.ConnectionString(pg.PrimaryPort), pg.ConnectionString(pg.StandbyPort));
        await PgClient.ExecAsync(ams, "CREATE TABLE payments (id int PRIMARY KEY)");
        await pg.RebuildPrimaryAsStandbyAsync();
        await drill.WaitEligibleAsync("nyc1", ReadyTimeout, CancellationToken.None);

        var writer = new ContinuousWriter([ams, nyc], [redis.ReplicaPort, redis.PrimaryPort], redis.Password, table: "payments");
        HistoryView back;
        await using (writer)
        {
            await Eventually.UntilAsync(() => Task.FromResult(writer.Committed.Count >= 20 && writer.Stored.Count >= 20), FailoverTimeout, "the shop writes to ams3");
            var (cooling, cooldownBody) = await drill.RequestSwitchoverAsync("nyc1", force: false, CancellationToken.None);
            Assert.Equal(409, cooling);
            Assert.Contains("in cooldown until", cooldownBody, StringComparison.Ordinal);

            var (accepted, body) = await drill.RequestSwitchoverAsync("nyc1", force: true, CancellationToken.None);
            Assert.True(accepted == 202, body);
            back = await drill.WaitCompletedAsync(failoverEpoch + 1, FailoverTimeout, CancellationToken.None);
            await Eventually.UntilAsync(() => Task.FromResult(writer.Committed.Count(c => c.Server == nyc) >= 20 && writer.Stored.Count(w => w.Port == redis.PrimaryPort) >= 20),
                FailoverTimeout, "the shop writes to nyc1 after the switchover");
        }
        Measurements.Record("process switchover back (no commits from the last on ams3 to the first on nyc1)",
            writer.Committed.Where(c => c.Server == nyc).Min(c => c.At) - writer.Committed.Where(c => c.Server == ams).Max(c => c.At));

        Assert.Equal((DecisionKinds.Switchover, "ams3", "nyc1", FenceEvidence.Guards), (back.Kind, back.From, back.To, back.FencedBy));
        var committed = writer.Committed.Select(c => c.Id).ToList();
        Assert.Equal((long)committed.Count, await PgClient.ScalarAsync<long>(nyc, $"SELECT count(*) FROM payments WHERE id IN ({string.Join(",", committed)})"));
        await using (var mux = await redis.ConnectAsync(redis.PrimaryPort))
        {
            var missing = new List<int>();
            foreach (var (id, _) in writer.Stored)
                if (!(await mux.GetDatabase().StringGetAsync($"order:{id}")).HasValue) missing.Add(id);
            Assert.Empty(missing);
        }
        Assert.Equal(LocalMeshConfig.RegionValues["nyc1"], drill.RecordValue());
        Assert.Contains("role:slave", await redis.InfoAsync(redis.ReplicaPort, CancellationToken.None), StringComparison.Ordinal);
    }
}
