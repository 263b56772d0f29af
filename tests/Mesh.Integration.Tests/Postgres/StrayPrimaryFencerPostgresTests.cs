using Akka.Actor;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Actions;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Probes;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;
using Npgsql;

namespace Mesh.Integration.Tests.Postgres;

/// <summary>
/// SPEC 6 rule 5, third bullet, against a real PostgreSQL: nyc1's old primary is writable again while the stored
/// state makes ams3 active. A node of nyc1 runs the real probe against it and hands each observation to its stray
/// fencer, which fences it with the real actions; what the server ends up as is read with plain Npgsql sessions.
/// The pair is shared by the class: every test leaves the primary unfenced again, under a newer epoch.
/// </summary>
public sealed class StrayPrimaryFencerPostgresTests(PostgresPair pg) : TestKit, IClassFixture<PostgresPair>, IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private static readonly ProbeSettings Fast = new(Interval, TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(2), 2, 3, TimeSpan.Zero);
    private ResourceActions? _actions;
    private PostgresProbe? _probe;

    private string Primary(string database = "postgres") => pg.ConnectionString(pg.PrimaryPort, database);

    private MeshOptions Options => new()
    {
        Regions = [new RegionOptions { Name = "nyc1", Kind = RegionKinds.Site }, new RegionOptions { Name = "ams3", Kind = RegionKinds.Site }],
        Probes = new ProbeOptions { Interval = Interval },
        Targets =
        [
            new TargetOptions { Id = "pg-nyc1", Kind = TargetKinds.Postgres, Region = "nyc1", Group = "main-db", ConnectionString = Primary() },
            new TargetOptions { Id = "pg-ams3", Kind = TargetKinds.Postgres, Region = "ams3", Group = "main-db", ConnectionString = pg.ConnectionString(pg.StandbyPort) },
        ],
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_probe is not null) await _probe.DisposeAsync();
        if (_actions is not null) await _actions.DisposeAsync();
        await using var actions = new PostgresActions(Primary());
        var lifted = await actions.UnfenceAsync(TestEpochs.Next(), CancellationToken.None);
        Assert.True(lifted.Succeeded, lifted.ToString());
    }

    /// <summary>After a failover from nyc1: ams3 is the active region at <paramref name="epoch"/>, as a majority read finds it.</summary>
    private static FailoverState Ams3Active(Epoch epoch) => FailoverState.Initial("ams3") with { Epoch = epoch, Phase = Phases.Completed };

    /// <summary>A fencer on a node of nyc1 whose own copy and majority read both hold <paramref name="stored"/>, over the real servers.</summary>
    private IActorRef Fencer(FailoverState stored)
    {
        var options = Options;
        _actions = new ResourceActions(options, SystemConfigEnvironment.Instance);
        _probe = new PostgresProbe(Primary(), Fast);
        var fencer = Sys.ActorOf(StrayPrimaryFencer.Props(options, "nyc1", new StoredMajority(stored), _actions, store: null, mediator: null));
        fencer.Tell(new StrayPrimaryFencer.UseState(stored));
        return fencer;
    }

    /// <summary>One real check of nyc1's primary from nyc1, told to the fencer as the probe would publish it.</summary>
    private async Task ObserveAsync(IActorRef fencer)
    {
        var check = await _probe!.CheckAsync(CancellationToken.None);
        fencer.Tell(new TargetObserved("nyc1", "pg-nyc1", check.Passed ? ProbeStatus.Healthy : ProbeStatus.Unhealthy, null, DateTimeOffset.UtcNow,
            check.Latency.TotalMilliseconds, check.Passed ? 0 : 1, check.Error, check.Facts));
    }

    /// <summary>What a new plain session reads: the read-only default, whether <c>postgres</c> takes connections, the recorded epoch.</summary>
    private async Task<(string ReadOnly, bool PostgresOpen, Epoch? Epoch)> ReadServerAsync()
    {
        await using var connection = await PgClient.OpenAsync(Primary("healthmesh"));
        await using var command = new NpgsqlCommand("""
            SELECT current_setting('default_transaction_read_only'),
                   (SELECT datallowconn FROM pg_database WHERE datname = 'postgres'),
                   (SELECT counter FROM healthmesh.epoch), (SELECT incarnation FROM healthmesh.epoch)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Epoch? epoch = reader.IsDBNull(2) ? null : new Epoch(reader.GetInt64(2), reader.GetString(3));
        return (reader.GetString(0), reader.GetBoolean(1), epoch);
    }

    [Fact]
    public async Task The_old_primary_restarted_after_a_failover_is_fenced_again_within_a_few_probe_intervals()
    {
        // The old primary was last opened by an older decision, then the failover to ams3 was stored at a newer epoch.
        await using (var old = new PostgresActions(Primary()))
            Assert.True((await old.UnfenceAsync(TestEpochs.Next(), CancellationToken.None)).Succeeded);
        var failover = TestEpochs.Next();
        await PgClient.ExecAsync(Primary(), "CREATE TABLE IF NOT EXISTS stray_writes (note text)");
        await PgClient.ExecAsync(Primary(), "INSERT INTO stray_writes VALUES ('before the fence')");   // writable now
        var fencer = Fencer(Ams3Active(failover));

        await Eventually.UntilAsync(async () =>
        {
            await ObserveAsync(fencer);
            return (await ReadServerAsync()).Epoch == failover;
        }, TimeSpan.FromSeconds(20), "the stray primary records the failover's epoch");

        var (readOnly, postgresOpen, epoch) = await ReadServerAsync();
        Assert.Equal("on", readOnly);
        Assert.False(postgresOpen);
        Assert.Equal(failover, epoch);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => PgClient.OpenAsync(Primary()));
        Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, refused.SqlState);   // "is not currently accepting connections"
    }

    [Fact]
    public async Task A_primary_that_records_a_newer_epoch_than_the_stored_state_stays_writable()
    {
        var stored = TestEpochs.Next();
        var newer = TestEpochs.Next();
        await using (var decided = new PostgresActions(Primary()))
            Assert.True((await decided.UnfenceAsync(newer, CancellationToken.None)).Succeeded);   // a newer decision opened it
        var outcomes = CreateTestProbe();
        Sys.EventStream.Subscribe(outcomes.Ref, typeof(StrayFenceOutcome));
        var fencer = Fencer(Ams3Active(stored));

        await Eventually.UntilAsync(async () =>
        {
            await ObserveAsync(fencer);
            return outcomes.HasMessages;
        }, TimeSpan.FromSeconds(20), "the fencer checks the primary");

        var outcome = outcomes.ExpectMsg<StrayFenceOutcome>();
        Assert.Equal(StrayFenceResult.LeftAlone, outcome.Result);
        Assert.Equal($"pg-nyc1 records epoch {newer.Counter}, newer than the stored epoch {stored.Counter}: a newer decision stands", outcome.Reason);
        var (readOnly, postgresOpen, epoch) = await ReadServerAsync();
        Assert.Equal("off", readOnly);
        Assert.True(postgresOpen);
        Assert.Equal(newer, epoch);
        await PgClient.ExecAsync(Primary(), "CREATE TABLE IF NOT EXISTS stray_writes (note text); INSERT INTO stray_writes VALUES ('still writable')");
    }

    /// <summary>A majority read that finds the given state.</summary>
    private sealed class StoredMajority(FailoverState state) : IStateMajorityReader
    {
        public Task<StateReadResult> ReadMajorityAsync(CancellationToken cancellationToken = default) => Task.FromResult<StateReadResult>(new StateFound(state));
    }
}
