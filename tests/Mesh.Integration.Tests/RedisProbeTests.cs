using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;

namespace Mesh.Integration.Tests;

/// <summary>The Redis probe against a real primary and replica.</summary>
public sealed class RedisProbeTests(RedisPair redis) : IClassFixture<RedisPair>
{
    private static readonly ProbeSettings Fast = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), 2, 3, TimeSpan.Zero);

    private async Task<CheckResult> CheckOnceAsync(int port)
    {
        await using var probe = new RedisProbe(redis.Endpoint(port), redis.Password, Fast);
        return await probe.CheckAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Roles_offsets_and_the_replica_link_come_from_the_servers()
    {
        await redis.ExecAsync(redis.PrimaryPort, db => db.StringSetAsync("k", new string('x', 10_000)));

        var primary = await CheckOnceAsync(redis.PrimaryPort);
        var replica = await CheckOnceAsync(redis.ReplicaPort);

        Assert.True(primary.Passed, primary.Error);
        Assert.Equal(ServerRoles.Primary, primary.Facts.Role);
        Assert.True(primary.Facts.WritePosition > 0);
        Assert.Equal(1, primary.Facts.Replicas);
        Assert.True(replica.Passed, replica.Error);
        Assert.Equal(ServerRoles.Standby, replica.Facts.Role);
        Assert.Equal("up", replica.Facts.UpstreamStatus);
        Assert.NotNull(replica.Facts.ReplayPosition);
    }

    [Fact]
    public async Task A_wrong_password_fails_in_words_without_the_password()
    {
        await using var probe = new RedisProbe(redis.Endpoint(redis.PrimaryPort), "not-the-password", Fast);

        var result = await probe.CheckAsync(CancellationToken.None);

        Assert.False(result.Passed);
        Assert.StartsWith($"not connected to 127.0.0.1:{redis.PrimaryPort}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Losing_the_replica_is_seen_by_its_probe_and_by_the_primary()
    {
        await using var replicaProbe = new RedisProbe(redis.Endpoint(redis.ReplicaPort), redis.Password, Fast);
        Assert.True((await replicaProbe.CheckAsync(CancellationToken.None)).Passed);

        await redis.KillAsync(redis.ReplicaPort);
        try
        {
            var lost = await replicaProbe.CheckAsync(CancellationToken.None);
            Assert.False(lost.Passed);
            Assert.StartsWith($"not connected to 127.0.0.1:{redis.ReplicaPort}", lost.Error, StringComparison.Ordinal);

            await Eventually.UntilAsync(async () => (await CheckOnceAsync(redis.PrimaryPort)).Facts.Replicas == 0,
                TimeSpan.FromSeconds(30), "the primary notices its replica is gone");
        }
        finally
        {
            await redis.StartReplicaAsync();
        }
        // The same probe reconnects by itself once the replica is back.
        await Eventually.UntilAsync(async () => (await replicaProbe.CheckAsync(CancellationToken.None)).Passed,
            TimeSpan.FromSeconds(30), "the probe reconnects");
    }

    [Fact]
    public void Info_replication_is_parsed_for_both_roles()
    {
        var master = RedisProbe.Parse("# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=127.0.0.1,port=7,state=online,offset=42,lag=0\r\nmaster_repl_offset:4242\r\n");
        var replica = RedisProbe.Parse("# Replication\r\nrole:slave\r\nmaster_link_status:down\r\nslave_repl_offset:4000\r\nmaster_repl_offset:4000\r\n");

        Assert.Equal((ServerRoles.Primary, 4242L, 1), (master.Role, master.WritePosition!.Value, master.Replicas!.Value));
        Assert.Equal((ServerRoles.Standby, 4000L, "down"), (replica.Role, replica.ReplayPosition!.Value, replica.UpstreamStatus!));
        Assert.Null(replica.WritePosition);
    }
}
