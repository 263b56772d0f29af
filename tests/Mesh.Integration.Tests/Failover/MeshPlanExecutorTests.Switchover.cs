using Mesh.Actors.Actions;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Integration.Tests.Postgres;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;
using Npgsql;

namespace Mesh.Integration.Tests.Failover;

/// <summary>
/// The planned switchover on real servers (SPEC 6 rule 7): zero data loss under a continuous writer, and a
/// switchover whose new region does not catch up abandoned, its fence lifted.
/// </summary>
public sealed partial class MeshPlanExecutorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task RunAsync(MeshPlanExecutor executor, Move move)
    {
        foreach (var step in move.Steps.Select(s => s.Name))
        {
            var outcome = await executor.RunAsync(move, step, CancellationToken.None);
            Assert.True(outcome.Ok, $"{move.Kind} {step}: {outcome.Error}");
        }
    }

    private static Move Planned(MeshOptions options, string kind, string from, string to, long epoch) =>
        new(kind, from, to, new Epoch(epoch, "test-coordinator"), DateTimeOffset.UtcNow, $"{kind} to {to}", null, false, false, PlanSteps.Pending(PlanSteps.For(options, from, to)));

    [Fact]
    public async Task A_switchover_back_after_rebuilding_the_old_primary_as_a_standby_loses_no_write_under_a_continuous_writer()
    {
        var options = Options() with { Failover = Options().Failover with { Fencing = new FencingOptions() } };
        var executor = Executor(options);
        var (nyc, ams) = (_pg.ConnectionString(_pg.PrimaryPort), _pg.ConnectionString(_pg.StandbyPort));
        await PgClient.ExecAsync(nyc, "CREATE TABLE orders (id int primary key)");
        await RunAsync(executor, Planned(options, DecisionKinds.Failover, "nyc1", "ams3", 1));

        // The operator rebuilds nyc1 as ams3's standby (README); its Redis already follows ams3 since the failover.
        await _pg.RebuildPrimaryAsStandbyAsync();
        var rebuilt = _actions.Postgres(options.Targets[0]);
        var amsPosition = (await _actions.Postgres(options.Targets[1]).ReadAsync(CancellationToken.None)).CurrentWalLsn!.Value;
        await Eventually.UntilAsync(async () => (await rebuilt.HasReplayedAsync(amsPosition, CancellationToken.None)).Reached, Patience, "the rebuilt nyc1 streams from ams3");

        var writer = new ContinuousWriter([ams, nyc], [_redis.ReplicaPort, _redis.PrimaryPort], _redis.Password);
        await using (writer)
        {
            await Eventually.UntilAsync(() => Task.FromResult(writer.Committed.Count >= 20 && writer.Stored.Count >= 20), Patience, "the shop writes to ams3");
            await RunAsync(executor, Planned(options, DecisionKinds.Switchover, "ams3", "nyc1", 2));
            await Eventually.UntilAsync(() => Task.FromResult(writer.Committed.Count(c => c.Server == nyc) >= 20 && writer.Stored.Count(s => s.Port == _redis.PrimaryPort) >= 20),
                Patience, "the shop writes to nyc1 after the switchover");
        }

        var lastOnAms = writer.Committed.Where(c => c.Server == ams).Max(c => c.At);
        var firstOnNyc = writer.Committed.Where(c => c.Server == nyc).Min(c => c.At);
        Measurements.Record("switchover (real servers, steps back to back): no commits from the last on ams3 to the first on nyc1", firstOnNyc - lastOnAms);

        // Every write either server acknowledged is on nyc1, the primary again.
        var committed = writer.Committed.Select(c => c.Id).ToList();
        Assert.Contains(committed, _ => true);
        Assert.Equal((long)committed.Count, await PgClient.ScalarAsync<long>(nyc, $"SELECT count(*) FROM orders WHERE id IN ({string.Join(",", committed)})"));
        var missing = new List<int>();
        await _redis.ExecAsync(_redis.PrimaryPort, async db =>
        {
            foreach (var (id, _) in writer.Stored)
                if (!(await db.StringGetAsync($"order:{id}")).HasValue) missing.Add(id);
        });
        Assert.Empty(missing);

        var pgNyc = await rebuilt.ReadAsync(CancellationToken.None);
        Assert.Equal((false, (Epoch?)new Epoch(2, "test-coordinator")), (pgNyc.InRecovery, pgNyc.Epoch));
        Assert.Equal(RedisRole.Replica, (await _actions.Redis(options.Targets[3]).ReadAsync(CancellationToken.None)).Role);
        await Assert.ThrowsAnyAsync<PostgresException>(() => PgClient.OpenAsync(ams));   // the old active region is fenced
    }

    [Fact]
    public async Task A_switchover_whose_new_region_does_not_catch_up_is_abandoned_and_the_old_primary_is_unfenced()
    {
        var options = Options() with
        {
            Failover = Options().Failover with { Fencing = new FencingOptions(), Switchover = new SwitchoverOptions { CatchUpTimeout = TimeSpan.FromSeconds(2) } },
        };
        var executor = Executor(options);
        var (nyc, ams) = (_pg.ConnectionString(_pg.PrimaryPort), _pg.ConnectionString(_pg.StandbyPort));
        await PgClient.ExecAsync(nyc, "CREATE TABLE orders (id int primary key); INSERT INTO orders VALUES (1)");
        await Eventually.UntilAsync(async () => await PgClient.ScalarAsync<long>(ams, "SELECT count(*) FROM orders") == 1, Patience, "ams3 has the table");
        await PgClient.ExecAsync(ams, "SELECT pg_wal_replay_pause()");   // ams3 receives but replays nothing more

        var switchover = Planned(options, DecisionKinds.Switchover, "nyc1", "ams3", 1);
        var fence = await executor.RunAsync(switchover, "fence:nyc1", CancellationToken.None);

        Assert.False(fence.Ok);
        Assert.True(fence.AbortsMove);
        Assert.True(fence.Error!.StartsWith("ams3 did not catch up within Switchover.CatchUpTimeout (2 s): pg-ams3 (127.0.0.1:", StringComparison.Ordinal), fence.Error);
        await Assert.ThrowsAnyAsync<PostgresException>(() => PgClient.OpenAsync(nyc));   // fenced while the switchover waited

        var abort = new Move(DecisionKinds.Abort, "nyc1", "nyc1", new Epoch(2, "test-coordinator"), DateTimeOffset.UtcNow, "abandoned", null, false, false,
            PlanSteps.Pending(PlanSteps.ForUnfence("nyc1")));
        await RunAsync(executor, abort);

        // nyc1 takes writes again, on both servers, and records the abort's epoch; ams3 was never promoted.
        await PgClient.ExecAsync(nyc, "INSERT INTO orders VALUES (2)");
        await using var app = await RespClient.ConnectAsync(_redis.PrimaryPort, _redis.Password, "app");
        Assert.Equal("OK", await app.SendAsync("SET", "cart:1", "apples").WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(new Epoch(2, "test-coordinator"), (await _actions.Postgres(options.Targets[0]).ReadAsync(CancellationToken.None)).Epoch);
        Assert.Equal(new Epoch(2, "test-coordinator"), (await _actions.Redis(options.Targets[2]).ReadAsync(CancellationToken.None)).RecordedEpoch);
        Assert.True((await _actions.Postgres(options.Targets[1]).ReadAsync(CancellationToken.None)).InRecovery);
        Assert.Equal(RedisRole.Replica, (await _actions.Redis(options.Targets[3]).ReadAsync(CancellationToken.None)).Role);
    }
}
