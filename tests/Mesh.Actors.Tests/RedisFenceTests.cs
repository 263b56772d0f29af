using Mesh.Actors.Actions;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests;

/// <summary>The pure decisions behind the Redis actions: what the server's answers mean, which fence it needs, which epoch is refused.</summary>
public sealed class RedisFenceTests
{
    private const string PrimaryInfo = "# Replication\r\nrole:master\r\nconnected_slaves:1\r\nslave0:ip=10.0.0.6,port=6379,state=online,offset=42,lag=0\r\nmaster_repl_offset:4242\r\n";
    private const string ReplicaInfo = "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.5\r\nmaster_port:6379\r\nmaster_link_status:down\r\nslave_read_only:1\r\nslave_repl_offset:4000\r\nmaster_repl_offset:4000\r\n";
    private static readonly Dictionary<string, string> NoFence = new() { ["min-replicas-to-write"] = "0", ["min-replicas-max-lag"] = "10" };
    private static readonly Dictionary<string, string> Fence = new() { ["min-replicas-to-write"] = "1000000", ["min-replicas-max-lag"] = "10" };
    private static readonly RedisEndpoint B = new("10.0.0.5", 6379);

    private static RedisReading Read(string info, Dictionary<string, string>? config = null, string? epoch = null) =>
        RedisFence.Read("10.0.0.9:6379", info, config ?? NoFence, epoch, null);

    [Fact]
    public void Answers_become_a_reading_for_both_roles()
    {
        var primary = Read(PrimaryInfo, epoch: "7/n1");
        var replica = Read(ReplicaInfo);

        Assert.Equal((RedisRole.Primary, 4242L, 1, (Epoch?)new Epoch(7, "n1"), true), (primary.Role, primary.MasterReplOffset, primary.ConnectedReplicas, primary.RecordedEpoch, primary.AcceptsWrites));
        Assert.Equal((RedisRole.Replica, "10.0.0.5:6379", "down", (long?)4000, true), (replica.Role, replica.Master, replica.MasterLinkStatus, replica.ReplicaReplOffset, replica.Fenced));
        Assert.Equal("a primary with 1 replica at offset 4242, taking writes, epoch 7/n1", primary.Summary);
        Assert.Equal("a replica of 10.0.0.5:6379 (link down) at offset 4000, read-only, no epoch recorded", replica.Summary);
    }

    [Theory]
    [InlineData("1000000", "10", true)]
    [InlineData("2147483647", "10", true)]
    [InlineData("1000000", "0", false)]    // a max lag of 0 switches the check off
    [InlineData("2", "10", false)]         // an operator's own setting is not the mesh's fence
    public void Only_an_unmeetable_min_replicas_setting_is_a_fence(string toWrite, string maxLag, bool fenced)
    {
        var reading = Read(PrimaryInfo, new() { ["min-replicas-to-write"] = toWrite, ["min-replicas-max-lag"] = maxLag });
        Assert.Equal((fenced, !fenced), (reading.MinReplicasFenced, reading.AcceptsWrites));
    }

    [Fact]
    public void A_value_that_is_not_an_epoch_is_reported_not_taken()
    {
        var reading = Read(PrimaryInfo, epoch: "garbage");
        Assert.Null(reading.RecordedEpoch);
        Assert.Equal("healthmesh:epoch holds 'garbage', which is not an epoch", reading.EpochUnreadable);
    }

    [Fact]
    public void A_primary_follows_a_reachable_server_and_otherwise_gets_the_min_replicas_fence()
    {
        Assert.Equal(new RedisFencePlan(RedisFenceMethod.ReplicaOf, false, "making it a replica of 10.0.0.5:6379"), RedisFence.Plan(Read(PrimaryInfo), B, true));
        Assert.Equal(new RedisFencePlan(RedisFenceMethod.MinReplicas, false, "10.0.0.5:6379 is not reachable: making it refuse writes with min-replicas-to-write 1000000"),
            RedisFence.Plan(Read(PrimaryInfo), B, false));
        Assert.Equal((RedisFenceMethod.MinReplicas, false), Shape(RedisFence.Plan(Read(PrimaryInfo), null, false)));
        Assert.Equal((RedisFenceMethod.MinReplicas, true), Shape(RedisFence.Plan(Read(PrimaryInfo, Fence), null, false)));
        // A min-replicas fenced primary still follows the new primary once it can: the stronger, replicating fence.
        Assert.Equal((RedisFenceMethod.ReplicaOf, false), Shape(RedisFence.Plan(Read(PrimaryInfo, Fence), B, true)));
    }

    [Fact]
    public void A_primary_does_not_follow_its_own_replica_before_that_is_promoted()
    {
        var ownReplica = new RedisEndpoint("10.0.0.6", 6379);   // slave0 of PrimaryInfo

        var plan = RedisFence.Plan(Read(PrimaryInfo), ownReplica, true);

        Assert.Equal((RedisFenceMethod.MinReplicas, false), Shape(plan));
        Assert.StartsWith("10.0.0.6:6379 is still its replica, not yet promoted", plan.Reason, StringComparison.Ordinal);
        Assert.Equal([new RedisReplicaLink(ownReplica, "online", 42)], Read(PrimaryInfo).Replicas);
    }

    [Fact]
    public void A_read_only_replica_is_fenced_already_and_a_writable_one_is_made_read_only()
    {
        Assert.Equal((RedisFenceMethod.ReplicaOf, true), Shape(RedisFence.Plan(Read(ReplicaInfo), B, false)));
        Assert.Equal((RedisFenceMethod.ReadOnlyReplica, true), Shape(RedisFence.Plan(Read(ReplicaInfo), new RedisEndpoint("10.0.0.7", 6379), true)));
        Assert.Equal((RedisFenceMethod.ReadOnlyReplica, true), Shape(RedisFence.Plan(Read(ReplicaInfo), null, false)));
        Assert.Equal((RedisFenceMethod.ReadOnlyReplica, false), Shape(RedisFence.Plan(Read(ReplicaInfo.Replace("slave_read_only:1", "slave_read_only:0", StringComparison.Ordinal)), B, true)));
    }

    private static (RedisFenceMethod, bool) Shape(RedisFencePlan plan) => (plan.Method, plan.AlreadyFenced);

    [Fact]
    public void Only_a_newer_recorded_epoch_refuses()
    {
        RedisFence.RefuseIfNewer("redis x", "fence", null, new Epoch(1, "a"));
        RedisFence.RefuseIfNewer("redis x", "fence", new Epoch(1, "a"), new Epoch(1, "a"));   // a repeat
        RedisFence.RefuseIfNewer("redis x", "fence", new Epoch(1, "a"), new Epoch(2, "a"));
        var e = Assert.Throws<StaleEpochException>(() => RedisFence.RefuseIfNewer("redis x", "fence", new Epoch(2, "b"), new Epoch(2, "a")));
        Assert.Equal("redis x records epoch 2/b, newer than the epoch 2/a of this fence: a newer decision has been taken; nothing was changed", e.Message);
    }

    [Theory]
    [InlineData("10.0.0.5:6379", "10.0.0.5", 6379)]
    [InlineData("redis.internal:6380", "redis.internal", 6380)]
    [InlineData("[::1]:6379", "::1", 6379)]
    public void Endpoints_parse_and_print_back(string text, string host, int port)
    {
        var endpoint = RedisEndpoint.Parse(text);
        Assert.Equal((host, port, text), (endpoint.Host, endpoint.Port, endpoint.ToString()));
        Assert.True(endpoint.Is(host.ToUpperInvariant(), port));
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("10.0.0.5:")]
    [InlineData("10.0.0.5:http")]
    [InlineData("10.0.0.5:70000")]
    public void Endpoints_without_a_valid_port_are_refused(string text) =>
        Assert.Null(RedisEndpoint.TryParse(text, out _));

    [Fact]
    public void Catching_up_compares_a_replica_replayed_offset()
    {
        var replica = Read(ReplicaInfo);
        Assert.True(RedisFence.CatchUp(replica, 4000).CaughtUp);
        Assert.Equal("10.0.0.9:6379 replayed 4000, 242 bytes short of 4242 (link down)", RedisFence.CatchUp(replica, 4242).Summary);
        Assert.False(RedisFence.CatchUp(Read(PrimaryInfo), 0).CaughtUp);
    }
}
