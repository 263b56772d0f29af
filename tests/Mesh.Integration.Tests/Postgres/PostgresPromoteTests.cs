using Mesh.Actors.Actions;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;
using Npgsql;

namespace Mesh.Integration.Tests.Postgres;

/// <summary>Promotions of a real streaming standby. A promotion cannot be undone, so each test has a pair of its own.</summary>
public sealed class PostgresPromoteTests : IAsyncLifetime
{
    private readonly PostgresPair _pg = new();

    public async Task InitializeAsync()
    {
        await _pg.InitializeAsync();
        await PgClient.ExecAsync(_pg.ConnectionString(_pg.PrimaryPort), "CREATE DATABASE app");
        await PgClient.ExecAsync(_pg.ConnectionString(_pg.PrimaryPort, "app"), "CREATE TABLE items (id serial PRIMARY KEY, note text NOT NULL)");
    }

    public Task DisposeAsync() => _pg.DisposeAsync();

    private string Standby(string database) => _pg.ConnectionString(_pg.StandbyPort, database);

    [Fact]
    public async Task Promoting_the_standby_after_the_fence_replicated_opens_it_for_connections_and_writes()
    {
        await using var primary = new PostgresActions(_pg.ConnectionString(_pg.PrimaryPort));
        await using var standby = new PostgresActions(_pg.ConnectionString(_pg.StandbyPort));
        var fenceEpoch = TestEpochs.Next();
        var fence = await primary.FenceAsync(fenceEpoch, FenceMode.Strict, CancellationToken.None);
        Assert.True(fence.Succeeded, fence.ToString());
        await Eventually.UntilAsync(async () => await ReplayedAsync(standby, fence.WalLsn!.Value), TimeSpan.FromSeconds(30), "the standby replays past the fence");

        // The fence travelled with the WAL: the standby's copy of app refuses connections too.
        var replicated = await standby.ReadAsync(CancellationToken.None);
        Assert.True(replicated.InRecovery);
        Assert.Contains("app", replicated.ClosedDatabases);
        Assert.Equal(fenceEpoch, replicated.Epoch);
        await Assert.ThrowsAsync<PostgresException>(() => PgClient.OpenAsync(Standby("app")));

        var epoch = TestEpochs.Next();
        var promotion = await standby.PromoteAsync(epoch, CancellationToken.None);

        Assert.True(promotion.Succeeded, promotion.ToString());
        Assert.True(promotion.PromotedNow);
        await using (var client = await PgClient.OpenAsync(Standby("app")))
            await PgClient.ExecAsync(client, "INSERT INTO items (note) VALUES ('on the promoted server')");
        Assert.Equal(1L, await PgClient.ScalarAsync<long>(Standby("app"), "SELECT count(*) FROM items"));
        var reading = await standby.ReadAsync(CancellationToken.None);
        Assert.False(reading.InRecovery);
        Assert.False(reading.Fenced, reading.ToString());
        Assert.Empty(reading.ClosedDatabases);
        Assert.Equal(epoch, reading.Epoch);
        Assert.Equal("promote", reading.EpochAction);
        Assert.Equal(2, reading.Timeline);
    }

    /// <summary>
    /// Whether the standby replayed past <paramref name="lsn"/>; not yet while it cannot be asked (it may have replayed the
    /// fence's closing of <c>postgres</c> a moment before the mesh's database became usable on it).
    /// </summary>
    private static async Task<bool> ReplayedAsync(PostgresActions standby, ulong lsn)
    {
        try
        {
            return (await standby.HasReplayedAsync(lsn, CancellationToken.None)).Reached;
        }
        catch (PostgresActionException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Promoting_twice_succeeds_calls_pg_promote_once_and_reopens_what_was_closed_since()
    {
        await using var standby = new PostgresActions(_pg.ConnectionString(_pg.StandbyPort));
        var epoch = TestEpochs.Next();
        var first = await standby.PromoteAsync(epoch, CancellationToken.None);
        Assert.True(first.Succeeded, first.ToString());
        Assert.True(first.PromotedNow);
        var timeline = (await standby.ReadAsync(CancellationToken.None)).Timeline;

        // Closed behind the mesh's back between the two calls: the retry must leave it open.
        await PgClient.ExecAsync(Standby("postgres"), "ALTER DATABASE app ALLOW_CONNECTIONS false");
        var second = await standby.PromoteAsync(epoch, CancellationToken.None);

        Assert.True(second.Succeeded, second.ToString());
        Assert.False(second.PromotedNow);
        Assert.Contains(second.Done, d => d.Contains("did not call pg_promote", StringComparison.Ordinal));
        Assert.Contains("opened 1 database to connections (app)", second.Done);
        var reading = await standby.ReadAsync(CancellationToken.None);
        Assert.Equal(timeline, reading.Timeline);
        Assert.Equal(epoch, reading.Epoch);
        await using var client = await PgClient.OpenAsync(Standby("app"));
    }
}
