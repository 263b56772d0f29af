using Mesh.Actors.Actions;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;
using Npgsql;

namespace Mesh.Integration.Tests.Postgres;

/// <summary>
/// Fences on a real primary with a streaming standby. The pair is shared by the class: every test leaves the
/// primary unfenced again (with a newer epoch) and no prepared transaction behind.
/// </summary>
public sealed class PostgresFenceTests(PostgresPair pg) : IClassFixture<PostgresPair>, IAsyncLifetime
{
    // A name that must be quoted: the fence reads database names from pg_database and must close this one too.
    private const string OddDatabase = "Shop \"Orders\" db";

    private string Primary(string database = "app") => pg.ConnectionString(pg.PrimaryPort, database);
    private PostgresActions PrimaryActions() => new(pg.ConnectionString(pg.PrimaryPort));
    private PostgresActions StandbyActions() => new(pg.ConnectionString(pg.StandbyPort));

    public async Task InitializeAsync()
    {
        var postgres = Primary("postgres");
        if (await PgClient.ScalarAsync<long>(postgres, "SELECT count(*) FROM pg_database WHERE datname = 'app'") == 0)
        {
            await PgClient.ExecAsync(postgres, "CREATE DATABASE app");
            await PgClient.ExecAsync(postgres, $"CREATE DATABASE \"{OddDatabase.Replace("\"", "\"\"")}\"");
            await PgClient.ExecAsync(Primary(), "CREATE TABLE items (id serial PRIMARY KEY, note text NOT NULL)");
        }
    }

    public async Task DisposeAsync()
    {
        await using var actions = PrimaryActions();
        var lifted = await actions.UnfenceAsync(TestEpochs.Next(), CancellationToken.None);
        Assert.True(lifted.Succeeded, lifted.ToString());
        await using var connection = await PgClient.OpenAsync(Primary());
        await using var command = new NpgsqlCommand("SELECT gid FROM pg_prepared_xacts WHERE database = 'app'", connection);
        var gids = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) gids.Add(reader.GetString(0));
        foreach (var gid in gids) await PgClient.ExecAsync(connection, $"ROLLBACK PREPARED '{gid}'");
    }

    private Task<long> CountAsync(string note) =>
        PgClient.ScalarAsync<long>(Primary(), $"SELECT count(*) FROM items WHERE note = '{note}'");

    [Fact]
    public async Task Strict_fence_ends_sessions_that_override_read_only_and_refuses_new_connections()
    {
        // Two sessions of the shop, opened before the fence, each ready to bypass a read-only default.
        await using var overriding = await PgClient.OpenAsync(Primary());
        await PgClient.ExecAsync(overriding, "SET default_transaction_read_only = off");
        await using var readWrite = await PgClient.OpenAsync(Primary());
        await PgClient.ExecAsync(readWrite, "SELECT 1");

        await using var actions = PrimaryActions();
        var epoch = TestEpochs.Next();
        var fence = await actions.FenceAsync(epoch, FenceMode.Strict, CancellationToken.None);

        Assert.True(fence.Succeeded, fence.ToString());
        Assert.True(fence.EndedSessions >= 2, fence.ToString());
        Assert.NotNull(fence.WalLsn);
        await Assert.ThrowsAnyAsync<NpgsqlException>(async () =>
        {
            await PgClient.ExecAsync(overriding, "SET default_transaction_read_only = off");
            await PgClient.ExecAsync(overriding, "BEGIN; INSERT INTO items (note) VALUES ('after-fence-set'); COMMIT");
        });
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => PgClient.ExecAsync(readWrite, "BEGIN READ WRITE; INSERT INTO items (note) VALUES ('after-fence-begin'); COMMIT"));
        foreach (var database in new[] { "app", "postgres", "template1", OddDatabase })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => PgClient.OpenAsync(Primary(database)));
            Assert.Equal(PostgresErrorCodes.ObjectNotInPrerequisiteState, refused.SqlState); // "is not currently accepting connections"
        }

        var reading = await actions.ReadAsync(CancellationToken.None);
        Assert.True(reading.Fenced, reading.ToString());
        Assert.True(reading.ReadOnlyDefault);
        Assert.Equal(epoch, reading.Epoch);
        Assert.Equal("fence", reading.EpochAction);
        Assert.Superset(new HashSet<string> { "app", "postgres", "template1", OddDatabase }, reading.ClosedDatabases.ToHashSet());
        Assert.Empty(reading.OpenDatabases);
        Assert.Equal(0, reading.ClientBackends);

        var lifted = await actions.UnfenceAsync(TestEpochs.Next(), CancellationToken.None);
        Assert.True(lifted.Succeeded, lifted.ToString());
        Assert.Equal(0, await CountAsync("after-fence-set"));
        Assert.Equal(0, await CountAsync("after-fence-begin"));
    }

    [Fact]
    public async Task The_probe_of_a_primary_under_the_strict_fence_fails_but_says_the_mesh_fenced_it()
    {
        // Rule 2: the votes count a primary the mesh fenced as healthy, so a region that fenced itself does not look down.
        var settings = new Mesh.Contracts.Configuration.ProbeSettings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), 2, 3, TimeSpan.Zero);
        await using var probe = new Mesh.Actors.Probes.PostgresProbe(Primary(), settings);
        var before = await probe.CheckAsync(CancellationToken.None);
        Assert.True(before.Passed, before.Error);
        Assert.Null(before.Facts.FencedByMesh);

        await using var actions = PrimaryActions();
        Assert.True((await actions.FenceAsync(TestEpochs.Next(), FenceMode.Strict, CancellationToken.None)).Succeeded);
        var fenced = await probe.CheckAsync(CancellationToken.None);

        Assert.False(fenced.Passed);
        Assert.True(fenced.Facts.FencedByMesh);
        Assert.Equal(Mesh.Contracts.Probes.ServerRoles.Primary, fenced.Facts.Role);
        Assert.Contains("fenced by the mesh", fenced.Error, StringComparison.Ordinal);

        Assert.True((await actions.UnfenceAsync(TestEpochs.Next(), CancellationToken.None)).Succeeded);
        var lifted = await probe.CheckAsync(CancellationToken.None);
        Assert.True(lifted.Passed, lifted.Error);
        Assert.Null(lifted.Facts.FencedByMesh);
    }

    [Fact]
    public async Task A_prepared_transaction_fails_the_strict_fence_until_it_is_rolled_back()
    {
        await using (var client = await PgClient.OpenAsync(Primary()))
            await PgClient.ExecAsync(client, "BEGIN; INSERT INTO items (note) VALUES ('prepared'); PREPARE TRANSACTION 'mesh-test-prepared'");

        await using var actions = PrimaryActions();
        var epoch = TestEpochs.Next();
        var failed = await actions.FenceAsync(epoch, FenceMode.Strict, CancellationToken.None);

        Assert.Equal(ActionOutcome.Failed, failed.Outcome);
        Assert.Contains("1 prepared transaction can still be committed", failed.Reason);
        Assert.Contains("mesh-test-prepared", failed.Reason);
        Assert.Null(failed.WalLsn);
        Assert.Equal(1, failed.Confirmed!.PreparedTransactions);

        // The operator's part: its database is closed, so they open it for the moment and roll the transaction back.
        await PgClient.ExecAsync(Primary("healthmesh"), "BEGIN READ WRITE; ALTER DATABASE app ALLOW_CONNECTIONS true; COMMIT");
        await PgClient.ExecAsync(Primary(), "ROLLBACK PREPARED 'mesh-test-prepared'");

        var again = await actions.FenceAsync(epoch, FenceMode.Strict, CancellationToken.None);
        Assert.True(again.Succeeded, again.ToString());
        Assert.Contains("found no prepared transaction", again.Done);
    }

    [Fact]
    public async Task Read_only_fence_is_advisory_default_sessions_cannot_write_but_a_client_that_overrides_it_still_commits()
    {
        await using var actions = PrimaryActions();
        var epoch = TestEpochs.Next();
        var fence = await actions.FenceAsync(epoch, FenceMode.ReadOnly, CancellationToken.None);
        Assert.True(fence.Succeeded, fence.ToString());
        Assert.Equal(0, fence.EndedSessions);

        await using (var plain = await PgClient.OpenAsync(Primary()))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => PgClient.ExecAsync(plain, "INSERT INTO items (note) VALUES ('read-only-default')"));
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
        }
        // The weakness: nothing stops a client from choosing its own default.
        await using (var overriding = await PgClient.OpenAsync(Primary()))
        {
            await PgClient.ExecAsync(overriding, "SET default_transaction_read_only = off");
            await PgClient.ExecAsync(overriding, "INSERT INTO items (note) VALUES ('read-only-overridden')");
        }
        Assert.Equal(1, await CountAsync("read-only-overridden"));
        Assert.Equal(0, await CountAsync("read-only-default"));

        var reading = await actions.ReadAsync(CancellationToken.None);
        Assert.True(reading.Fenced, reading.ToString());
        Assert.True(reading.ReadOnlyDefault);
        Assert.Empty(reading.ClosedDatabases);
        Assert.Equal(epoch, reading.Epoch);
    }

    [Fact]
    public async Task Fencing_twice_with_the_same_epoch_succeeds_both_times()
    {
        await using var actions = PrimaryActions();
        var epoch = TestEpochs.Next();
        var first = await actions.FenceAsync(epoch, FenceMode.Strict, CancellationToken.None);
        var second = await actions.FenceAsync(epoch, FenceMode.Strict, CancellationToken.None);

        Assert.True(first.Succeeded, first.ToString());
        Assert.True(second.Succeeded, second.ToString());
        Assert.Contains("every other database already refused new connections", second.Done);
        Assert.Equal(epoch, (await actions.ReadAsync(CancellationToken.None)).Epoch);
    }

    [Fact]
    public async Task An_older_epoch_is_refused_by_fence_unfence_and_promote_and_changes_nothing()
    {
        await using var primary = PrimaryActions();
        await using var standby = StandbyActions();
        var older = TestEpochs.Next();
        var fenceEpoch = TestEpochs.Next();
        Assert.True((await primary.FenceAsync(fenceEpoch, FenceMode.Strict, CancellationToken.None)).Succeeded);

        // A stale unfence of a fenced primary: it stays fenced.
        var unfence = await Assert.ThrowsAsync<StaleEpochException>(() => primary.UnfenceAsync(older, CancellationToken.None));
        Assert.Equal(fenceEpoch, unfence.Recorded);
        Assert.Equal(older, unfence.Attempted);
        Assert.Contains("nothing was changed", unfence.Message);
        var stillFenced = await primary.ReadAsync(CancellationToken.None);
        Assert.Empty(stillFenced.OpenDatabases);
        Assert.True(stillFenced.ReadOnlyDefault);
        Assert.Equal(fenceEpoch, stillFenced.Epoch);

        // A stale promotion of the standby, which has the fence's epoch by replication: it stays a standby.
        await Eventually.UntilAsync(async () => (await standby.ReadAsync(CancellationToken.None)).Epoch == fenceEpoch,
            TimeSpan.FromSeconds(30), "the standby replays the fence's epoch");
        await Assert.ThrowsAsync<StaleEpochException>(() => standby.PromoteAsync(older, CancellationToken.None));
        Assert.True((await standby.ReadAsync(CancellationToken.None)).InRecovery);

        // A stale fence of an open primary: it stays open.
        var openEpoch = TestEpochs.Next();
        Assert.True((await primary.UnfenceAsync(openEpoch, CancellationToken.None)).Succeeded);
        var fence = await Assert.ThrowsAsync<StaleEpochException>(() => primary.FenceAsync(older, FenceMode.Strict, CancellationToken.None));
        Assert.Equal(openEpoch, fence.Recorded);
        var stillOpen = await primary.ReadAsync(CancellationToken.None);
        Assert.False(stillOpen.Fenced, stillOpen.ToString());
        Assert.Equal(openEpoch, stillOpen.Epoch);
        await using var client = await PgClient.OpenAsync(Primary());
        await PgClient.ExecAsync(client, "INSERT INTO items (note) VALUES ('after-stale-fence')");
    }

    [Fact]
    public async Task Unfence_reopens_the_primary_for_connections_and_writes()
    {
        await using var actions = PrimaryActions();
        Assert.True((await actions.FenceAsync(TestEpochs.Next(), FenceMode.Strict, CancellationToken.None)).Succeeded);
        await Assert.ThrowsAsync<PostgresException>(() => PgClient.OpenAsync(Primary()));

        var epoch = TestEpochs.Next();
        var lifted = await actions.UnfenceAsync(epoch, CancellationToken.None);

        Assert.True(lifted.Succeeded, lifted.ToString());
        await using (var client = await PgClient.OpenAsync(Primary()))
            await PgClient.ExecAsync(client, "INSERT INTO items (note) VALUES ('after-unfence')");
        Assert.Equal(1, await CountAsync("after-unfence"));
        var reading = await actions.ReadAsync(CancellationToken.None);
        Assert.False(reading.Fenced, reading.ToString());
        Assert.Equal(epoch, reading.Epoch);
        Assert.Equal("unfence", reading.EpochAction);
    }

    [Fact]
    public async Task The_standby_is_never_fenced()
    {
        await using var standby = StandbyActions();
        foreach (var mode in new[] { FenceMode.Strict, FenceMode.ReadOnly })
        {
            var result = await standby.FenceAsync(TestEpochs.Next(), mode, CancellationToken.None);
            Assert.Equal(ActionOutcome.SkippedStandby, result.Outcome);
            Assert.Empty(result.Done);
            Assert.Contains("a standby is never fenced", result.Reason);
        }
        var reading = await standby.ReadAsync(CancellationToken.None);
        Assert.True(reading.InRecovery);
        Assert.False(reading.Fenced, reading.ToString());
        await using var reader = await PgClient.OpenAsync(pg.ConnectionString(pg.StandbyPort, "app"));
        await PgClient.ExecAsync(reader, "SELECT count(*) FROM items");
    }

    [Fact]
    public async Task The_standby_replays_past_the_fenced_primarys_wal_position_and_has_its_epoch()
    {
        await using var primary = PrimaryActions();
        await using var standby = StandbyActions();
        var epoch = TestEpochs.Next();
        var fence = await primary.FenceAsync(epoch, FenceMode.Strict, CancellationToken.None);
        Assert.True(fence.Succeeded, fence.ToString());

        ReplayProgress? progress = null;
        await Eventually.UntilAsync(async () => (progress = await standby.HasReplayedAsync(fence.WalLsn!.Value, CancellationToken.None)).Reached,
            TimeSpan.FromSeconds(30), () => $"the standby replays past the fence: {progress}");
        var reading = await standby.ReadAsync(CancellationToken.None);
        Assert.Equal(epoch, reading.Epoch);
        Assert.Contains("app", reading.ClosedDatabases);
        Assert.False((await primary.HasReplayedAsync(fence.WalLsn!.Value, CancellationToken.None)).Reached);
    }

    [Fact]
    public async Task No_password_appears_in_errors_or_results()
    {
        var closedPort = FreePorts.Next();
        await using (var unreachable = new PostgresActions(pg.ConnectionString(closedPort)))
        {
            var error = await Assert.ThrowsAsync<PostgresActionException>(() => unreachable.FenceAsync(TestEpochs.Next(), FenceMode.Strict, CancellationToken.None));
            Assert.Contains($"127.0.0.1:{closedPort}", error.Message);
            Assert.Contains("connection refused", error.Message);
            Assert.DoesNotContain(pg.Password, error.ToString());
        }

        var wrong = new NpgsqlConnectionStringBuilder(pg.ConnectionString(pg.PrimaryPort)) { Password = "not-" + pg.Password }.ConnectionString;
        await using (var denied = new PostgresActions(wrong))
        {
            var error = await Assert.ThrowsAsync<PostgresActionException>(() => denied.ReadAsync(CancellationToken.None));
            Assert.Contains("password authentication failed", error.Message);
            Assert.DoesNotContain(pg.Password, error.ToString());
        }

        await using var actions = PrimaryActions();
        var fence = await actions.FenceAsync(TestEpochs.Next(), FenceMode.Strict, CancellationToken.None);
        Assert.DoesNotContain(pg.Password, fence.ToString());
        Assert.DoesNotContain(pg.Password, fence.Confirmed!.ToString());
    }
}
