using Mesh.Actors.Actions;
using Mesh.Contracts.Failover;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;
using Xunit.Abstractions;

namespace Mesh.Integration.Tests.Redis;

/// <summary>
/// The failover's Redis actions (SPEC 6 rules 5, 6, 7, 10) against a real primary and replica, fresh for every
/// test, each server from its own config file. Writes are sent by a bare client (<see cref="RespClient"/>), so
/// what is shown refused is refused by the server.
/// </summary>
public sealed class RedisActionsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly Epoch E1 = new(1, "n1"), E2 = new(2, "n1"), E3 = new(3, "n2");

    private readonly RedisPair _redis = new();
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => _redis.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var d in _owned) await d.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private int A => _redis.PrimaryPort;
    private int B => _redis.ReplicaPort;

    private RedisActions On(int port, string? password = null) =>
        Own(new RedisActions(_redis.Endpoint(port), password ?? _redis.Password, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2)));

    private async Task<RespClient> ClientAsync(int port, string name) => Own(await RespClient.ConnectAsync(port, _redis.Password, name));

    private RedisFenceReport Log(RedisFenceReport report)
    {
        output.WriteLine(report.Summary);
        return report;
    }

    private RedisActionReport Log(RedisActionReport report)
    {
        output.WriteLine(report.Summary);
        return report;
    }

    private T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    [Fact]
    public async Task Fencing_with_a_reachable_replicaOf_makes_the_primary_a_replica_that_refuses_writes_and_drops_its_clients()
    {
        var before = await ClientAsync(A, "connected-before");
        Assert.Equal("OK", await before.SendAsync("SET", "cart:1", "3 items"));

        // B is still A's own replica: A keeps streaming to it and refuses client writes until B is promoted.
        var first = Log(await On(A).FenceAsync(E1, _redis.Endpoint(B), None));

        Assert.Equal((RedisFenceMethod.MinReplicas, false), (first.Method, first.AlreadyFenced));
        Assert.Contains(first.Steps, s => s.Contains($"{_redis.Endpoint(B)} is still its replica", StringComparison.Ordinal));
        Assert.True(await before.IsDisconnectedAsync(), "a client connected before the fence is disconnected");
        var during = await ClientAsync(A, "connected-during");
        Assert.StartsWith("-NOREPLICAS", await during.SendAsync("SET", "cart:1", "4 items"), StringComparison.Ordinal);

        // The plan goes on (rules 3 and 6): B has caught up with all A acknowledged and is promoted under the same epoch.
        var offset = (await On(A).ReadAsync(None)).MasterReplOffset;
        await Eventually.UntilAsync(async () => (await On(B).HasCaughtUpAsync(offset, None)).CaughtUp, Patience, "B replays A's last offset");
        Assert.True(Log(await On(B).PromoteAsync(E1, None)).Changed);

        var report = Log(await On(A).FenceAsync(E1, _redis.Endpoint(B), None));

        Assert.Equal((RedisFenceMethod.ReplicaOf, false, true), (report.Method, report.AlreadyFenced, report.Persisted));
        Assert.True(report.ClientsDisconnected >= 1, report.Summary);
        Assert.True(await during.IsDisconnectedAsync(), "a client connected before the fence is disconnected");
        var after = await ClientAsync(A, "connected-after");
        Assert.StartsWith("-READONLY", await after.SendAsync("SET", "cart:1", "4 items"), StringComparison.Ordinal);
        var reading = await On(A).ReadAsync(None);
        Assert.Equal((RedisRole.Replica, _redis.Endpoint(B), true), (reading.Role, reading.Master, reading.Fenced));
        Assert.Contains($"replicaof 127.0.0.1 {B}", await File.ReadAllTextAsync(_redis.ConfigFile(A)), StringComparison.Ordinal);
        await Eventually.UntilAsync(async () => await On(A).ReadAsync(None) is { MasterLinkStatus: "up", RecordedEpoch: { } e } && e == E1,
            Patience, "the fenced server follows the new primary and reads back its epoch");
        Assert.Equal("3 items", await after.SendAsync("GET", "cart:1"));   // nothing A acknowledged was lost

        var again = Log(await On(A).FenceAsync(E1, _redis.Endpoint(B), None));
        Assert.Equal((RedisFenceMethod.ReplicaOf, true, null), (again.Method, again.AlreadyFenced, again.ClientsDisconnected));
    }

    [Fact]
    public async Task Fencing_without_a_reachable_replicaOf_refuses_writes_with_NOREPLICAS_also_after_a_restart()
    {
        var nobody = $"127.0.0.1:{FreePorts.Next()}";

        var report = Log(await On(A).FenceAsync(E1, nobody, None));

        Assert.Equal((RedisFenceMethod.MinReplicas, false, true), (report.Method, report.AlreadyFenced, report.Persisted));
        Assert.Contains(report.Steps, s => s.Contains($"{nobody} did not accept a connection", StringComparison.Ordinal));
        var client = await ClientAsync(A, "app");
        Assert.StartsWith("-NOREPLICAS", await client.SendAsync("SET", "order:7", "paid"), StringComparison.Ordinal);
        var reading = await On(A).ReadAsync(None);
        Assert.Equal((RedisRole.Primary, true, true, (Epoch?)E1), (reading.Role, reading.MinReplicasFenced, reading.Fenced, reading.RecordedEpoch));
        Assert.Contains($"min-replicas-to-write {RedisFence.UnmeetableReplicas}", await File.ReadAllTextAsync(_redis.ConfigFile(A)), StringComparison.Ordinal);

        await _redis.RestartAsync(A);

        var restarted = await ClientAsync(A, "app-after-restart");
        Assert.StartsWith("-NOREPLICAS", await restarted.SendAsync("SET", "order:7", "paid"), StringComparison.Ordinal);
        Assert.True((await On(A).ReadAsync(None)).MinReplicasFenced);
        var again = await On(A).FenceAsync(E1, null, None);
        Assert.Equal((RedisFenceMethod.MinReplicas, true), (again.Method, again.AlreadyFenced));
    }

    [Fact]
    public async Task A_fence_on_a_server_without_a_config_file_holds_and_says_it_lasts_until_a_restart()
    {
        var bare = new RedisPair { ConfigFiles = false };
        await bare.InitializeAsync();
        try
        {
            await using var actions = new RedisActions(bare.Endpoint(bare.PrimaryPort), bare.Password, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

            var report = Log(await actions.FenceAsync(E1, null, None));

            Assert.False(report.Persisted);
            Assert.Equal("CONFIG REWRITE failed: the server runs without a config file, so the change holds only until it restarts", report.NotPersisted);
            await using var client = await RespClient.ConnectAsync(bare.PrimaryPort, bare.Password, "app");
            Assert.StartsWith("-NOREPLICAS", await client.SendAsync("SET", "k", "v"), StringComparison.Ordinal);
        }
        finally
        {
            await bare.DisposeAsync();
        }
    }

    [Fact]
    public async Task Promoting_the_replica_makes_it_a_writable_primary_recording_the_epoch_and_a_repeat_changes_nothing()
    {
        var report = await On(B).PromoteAsync(E1, None);

        Assert.True(report.Changed, report.Summary);
        Assert.True(report.Persisted, report.NotPersisted);
        var reading = await On(B).ReadAsync(None);
        Assert.Equal((RedisRole.Primary, true, (Epoch?)E1), (reading.Role, reading.AcceptsWrites, reading.RecordedEpoch));
        var client = await ClientAsync(B, "app");
        Assert.Equal("OK", await client.SendAsync("SET", "session:9", "alive"));
        Assert.DoesNotContain("replicaof", await File.ReadAllTextAsync(_redis.ConfigFile(B)), StringComparison.Ordinal);

        var again = await On(B).PromoteAsync(E1, None);

        Assert.False(again.Changed, again.Summary);
        Assert.Contains(again.Steps, s => s.Contains("nothing to do", StringComparison.Ordinal));
        Assert.Equal("alive", await client.SendAsync("GET", "session:9"));
    }

    [Fact]
    public async Task Unfencing_lifts_the_min_replicas_fence_under_a_newer_epoch()
    {
        await On(A).FenceAsync(E1, null, None);

        var report = Log(await On(A).UnfenceAsync(E2, None));

        Assert.True(report.Changed, report.Summary);
        var reading = await On(A).ReadAsync(None);
        // The fence's epoch could not be written over by anyone while it held; the unfence's is recorded after it.
        Assert.Equal((0, true, (Epoch?)E2), (reading.MinReplicasToWrite, reading.AcceptsWrites, reading.RecordedEpoch));
        var client = await ClientAsync(A, "app");
        Assert.Equal("OK", await client.SendAsync("SET", "k", "v"));
        Assert.False((await On(A).UnfenceAsync(E2, None)).Changed);
        await Assert.ThrowsAsync<RedisActionException>(() => On(B).UnfenceAsync(E2, None));
    }

    [Fact]
    public async Task A_newer_epoch_at_the_server_refuses_every_action_and_nothing_changes()
    {
        await On(A).PromoteAsync(E3, None);   // already a primary: records the epoch only
        await Eventually.UntilAsync(async () => (await On(B).ReadAsync(None)).RecordedEpoch == E3, Patience, "the replica has the epoch");
        var connected = await ClientAsync(A, "connected");

        var fence = await Assert.ThrowsAsync<StaleEpochException>(() => On(A).FenceAsync(E2, _redis.Endpoint(B), None));
        var promote = await Assert.ThrowsAsync<StaleEpochException>(() => On(B).PromoteAsync(E2, None));
        await Assert.ThrowsAsync<StaleEpochException>(() => On(A).FenceAsync(E2, null, None));
        await Assert.ThrowsAsync<StaleEpochException>(() => On(A).UnfenceAsync(E2, None));
        await Assert.ThrowsAsync<StaleEpochException>(() => On(A).PauseWritesAsync(E2, TimeSpan.FromSeconds(30), None));

        Assert.Equal(($"redis {_redis.Endpoint(A)}", E3, E2), (fence.Resource, fence.Recorded, fence.Attempted));
        Assert.Equal($"redis {_redis.Endpoint(A)} records epoch 3/n2, newer than the epoch 2/n1 of this fence: a newer decision has been taken; nothing was changed", fence.Message);
        Assert.Equal($"redis {_redis.Endpoint(B)}", promote.Resource);
        var a = await On(A).ReadAsync(None);
        var b = await On(B).ReadAsync(None);
        Assert.Equal((RedisRole.Primary, true, 0), (a.Role, a.AcceptsWrites, a.MinReplicasToWrite));
        Assert.Equal((RedisRole.Replica, _redis.Endpoint(A)), (b.Role, b.Master));
        Assert.Equal("OK", await connected.SendAsync("SET", "still", "writable"));
    }

    [Fact]
    public async Task Pausing_writes_holds_a_client_write_until_unpaused_while_reads_go_on()
    {
        var actions = On(A);
        var paused = Log(await actions.PauseWritesAsync(E1, TimeSpan.FromSeconds(60), None));
        Assert.Contains(paused.Steps, s => s.StartsWith("CLIENT PAUSE 60000 WRITE", StringComparison.Ordinal));
        var writer = await ClientAsync(A, "writer");
        var admin = await ClientAsync(A, "admin");

        var write = writer.SendAsync("SET", "held", "1");

        await Eventually.UntilAsync(async () => (await admin.SendAsync("CLIENT", "LIST"))!.Split('\n')
                .Any(c => c.Contains("name=writer", StringComparison.Ordinal) && c.Contains("flags=b", StringComparison.Ordinal) && c.Contains("cmd=set", StringComparison.Ordinal)),
            Patience, "the server holds the writer's SET");
        Assert.False(write.IsCompleted, "a write completed while writes were paused");
        Assert.Null(await admin.SendAsync("GET", "held"));

        await actions.UnpauseAsync(E1, None);

        Assert.Equal("OK", await write.WaitAsync(Patience));
        Assert.Equal("1", await admin.SendAsync("GET", "held"));
    }

    [Fact]
    public async Task The_replica_catches_up_with_the_primary_offset()
    {
        var client = await ClientAsync(A, "app");
        for (var i = 0; i < 200; i++) Assert.Equal("OK", await client.SendAsync("SET", $"k{i}", new string('x', 1000)));
        var offset = (await On(A).ReadAsync(None)).MasterReplOffset;

        await Eventually.UntilAsync(async () => (await On(B).HasCaughtUpAsync(offset, None)).CaughtUp, Patience, "the replica catches up");

        var ahead = await On(B).HasCaughtUpAsync(offset + 1_000_000, None);
        Assert.False(ahead.CaughtUp);
        Assert.Contains("bytes short of", ahead.Summary, StringComparison.Ordinal);
        var primary = await On(A).HasCaughtUpAsync(offset, None);
        Assert.Equal((false, (long?)null), (primary.CaughtUp, primary.ReplayedOffset));
    }

    [Fact]
    public async Task A_planned_switchover_loses_no_acknowledged_write()
    {
        var app = await ClientAsync(A, "app");
        for (var i = 0; i < 100; i++) Assert.Equal("OK", await app.SendAsync("SET", $"order:{i}", "paid"));

        await On(A).PauseWritesAsync(E1, TimeSpan.FromSeconds(60), None);
        var held = app.SendAsync("SET", "order:late", "paid");
        var offset = (await On(A).ReadAsync(None)).MasterReplOffset;
        await Eventually.UntilAsync(async () => (await On(B).HasCaughtUpAsync(offset, None)).CaughtUp, Patience, "B replays A's last offset");
        Assert.Equal(offset, (await On(A).ReadAsync(None)).MasterReplOffset);
        await On(B).PromoteAsync(E1, None);
        var fence = Log(await On(A).FenceAsync(E1, _redis.Endpoint(B), None));
        Assert.Contains($"epoch {E1} already recorded", fence.Steps);   // a paused server takes no writes; the pause recorded it
        await On(A).UnpauseAsync(E1, None);

        // The held write was never acknowledged: its connection was dropped by the fence, or A refused it as a replica.
        var outcome = await held.ContinueWith(t => t.IsFaulted ? "disconnected" : t.Result);
        Assert.True(outcome is "disconnected" || outcome!.StartsWith("-READONLY", StringComparison.Ordinal), outcome);
        var onB = await ClientAsync(B, "app-on-b");
        for (var i = 0; i < 100; i++) Assert.Equal("paid", await onB.SendAsync("GET", $"order:{i}"));
        Assert.Null(await onB.SendAsync("GET", "order:late"));
    }

    [Fact]
    public async Task A_replica_cut_off_from_its_primary_is_promoted_only_after_its_epoch_is_checked()
    {
        await On(A).PromoteAsync(E2, None);
        await Eventually.UntilAsync(async () => (await On(B).ReadAsync(None)).RecordedEpoch == E2, Patience, "the replica has the epoch");
        var admin = await ClientAsync(B, "admin");
        Assert.Equal("OK", await admin.SendAsync("CONFIG", "SET", "replica-serve-stale-data", "no"));
        await _redis.KillAsync(A);
        await Eventually.UntilAsync(async () => (await On(B).ReadAsync(None)).MasterLinkStatus == "down", Patience, "the replica sees its primary gone");

        var cutOff = await On(B).ReadAsync(None);
        Assert.Null(cutOff.RecordedEpoch);
        Assert.Contains("replica-serve-stale-data no", cutOff.EpochUnreadable, StringComparison.Ordinal);

        var stale = await Assert.ThrowsAsync<StaleEpochException>(() => On(B).PromoteAsync(E1, None));
        output.WriteLine(stale.Message);
        Assert.Equal(E2, stale.Recorded);
        Assert.Equal(RedisRole.Replica, (await On(B).ReadAsync(None)).Role);

        var report = Log(await On(B).PromoteAsync(E3, None));

        Assert.True(report.Changed, report.Summary);
        Assert.Equal((RedisRole.Primary, (Epoch?)E3), ((await On(B).ReadAsync(None)).Role, (await On(B).ReadAsync(None)).RecordedEpoch));
        Assert.Equal("replica-serve-stale-data\nno", await admin.SendAsync("CONFIG", "GET", "replica-serve-stale-data"));
    }

    [Fact]
    public async Task Failures_name_the_server_in_words_without_the_password()
    {
        var nowhere = FreePorts.Next();
        var unreachable = On(nowhere);

        var refused = await Assert.ThrowsAsync<RedisActionException>(() => unreachable.FenceAsync(E1, null, None));
        var wrongPassword = await Assert.ThrowsAsync<RedisActionException>(() => On(A, "not-the-password").ReadAsync(None));

        Assert.Equal($"cannot reach redis 127.0.0.1:{nowhere}: not connected within 2000 ms (no connection could be made)", refused.Message);
        Assert.StartsWith($"cannot reach redis {_redis.Endpoint(A)}: not connected within 2000 ms (", wrongPassword.Message, StringComparison.Ordinal);
        Assert.Contains("password", wrongPassword.Message, StringComparison.Ordinal);
        foreach (var e in new[] { refused, wrongPassword })
        {
            output.WriteLine(e.Message);
            Assert.DoesNotContain(_redis.Password, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", e.ToString(), StringComparison.Ordinal);
        }
    }
}
