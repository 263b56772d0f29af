using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing;
using Mesh.Actors.Serialization;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using Mesh.Tests.Shared;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>The grantor subscribed to the replicated state key on a one-node cluster: what the coordinator stores is what it grants by.</summary>
public sealed class LeaseGrantorReplicationTests : TestKit
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.cluster.distributed-data.notify-subscribers-interval = 50ms
        akka.actor.serializers.health-mesh = "{{typeof(MeshMessageSerializer).FullName}}, Mesh.Actors"
        akka.actor.serialization-bindings { "Mesh.Contracts.Messages.IMeshMessage, Mesh.Contracts" = health-mesh }
        """).WithFallback(DistributedData.DefaultConfig());

    public LeaseGrantorReplicationTests() : base(TestConfig)
    {
    }

    [Fact]
    public async Task It_grants_by_the_stored_state_and_stops_when_a_move_is_stored()
    {
        var cluster = Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
        AwaitCondition(() => cluster.SelfMember.Status == MemberStatus.Up, TimeSpan.FromSeconds(10));
        var store = new FailoverStateStore(Sys, TimeSpan.FromSeconds(3));
        Assert.IsType<StateWritten>(await store.WriteMajorityAsync(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }));

        var coordinator = CreateTestProbe();
        var grantor = Sys.ActorOf(LeaseGrantor.Props("sfo3-w", "sfo3", store, coordinator, TimeSpan.FromSeconds(1)));

        // The replica's current value reaches a new grantor (by its first read or by the subscription).
        AwaitAssert(() =>
        {
            grantor.Tell(new LeaseRequest(1, "nyc1-a", "nyc1"));
            Assert.IsType<LeaseGrant>(ExpectMsg<ILeaseAnswer>());
        }, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100));

        Assert.IsType<StateWritten>(await store.WriteMajorityAsync(FailoverSamples.Moving(12)));

        Assert.Equal(new StoppedGranting("sfo3-w", "sfo3", "nyc1", new Epoch(12, "3f2a9c")), coordinator.ExpectMsg<StoppedGranting>(TimeSpan.FromSeconds(5)));
        grantor.Tell(new LeaseRequest(2, "nyc1-a", "nyc1"));
        Assert.Equal(12, ExpectMsg<LeaseRefusal>().Epoch.Counter);
    }
}
