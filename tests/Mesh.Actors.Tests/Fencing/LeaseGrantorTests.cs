using Akka.Actor;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Fencing;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using Mesh.Tests.Shared;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>The grantor actor with copies of the state handed to it: it answers by the grant rule and tells the coordinator when it stops.</summary>
public sealed class LeaseGrantorTests : TestKit
{
    private static readonly TimeSpan Resend = TimeSpan.FromMilliseconds(200);
    private readonly Akka.TestKit.TestProbe _coordinator;
    private readonly IActorRef _grantor;

    public LeaseGrantorTests()
    {
        _coordinator = CreateTestProbe();
        _grantor = Sys.ActorOf(LeaseGrantor.Props("sfo3-w", "sfo3", store: null, _coordinator, Resend));
    }

    private T Ask<T>(long id, string region = "nyc1")
    {
        _grantor.Tell(new LeaseRequest(id, "nyc1-a", region));
        return ExpectMsg<T>();
    }

    [Fact]
    public void Without_a_copy_it_refuses_then_grants_the_active_region_naming_request_epoch_and_region()
    {
        Assert.Equal("this member holds no copy of the stored failover state yet", Ask<LeaseRefusal>(1).Reason);

        _grantor.Tell(new LeaseGrantor.UseState(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }));

        Assert.Equal(new LeaseGrant(2, "sfo3-w", "sfo3", new Epoch(11, "c1"), "nyc1"), Ask<LeaseGrant>(2));
        Assert.Equal("nyc1", Ask<LeaseRefusal>(3, "ams3").ActiveRegion);
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_stored_move_stops_grants_and_the_coordinator_hears_it_again_until_the_move_ends()
    {
        _grantor.Tell(new LeaseGrantor.UseState(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }));
        Ask<LeaseGrant>(1);

        _grantor.Tell(new LeaseGrantor.UseState(FailoverSamples.Moving(12)));

        var stopped = new StoppedGranting("sfo3-w", "sfo3", "nyc1", new Epoch(12, "3f2a9c"));
        Assert.Equal(stopped, _coordinator.ExpectMsg<StoppedGranting>());
        Assert.StartsWith("a failover from nyc1 to ams3 is recorded", Ask<LeaseRefusal>(2).Reason, StringComparison.Ordinal);
        Assert.Equal(stopped, _coordinator.ExpectMsg<StoppedGranting>(TimeSpan.FromSeconds(2)));   // repeated for a coordinator that takes over

        // The move completes (the coordinator clears it): ams3 is granted, and the repeats end.
        _grantor.Tell(new LeaseGrantor.UseState(FailoverState.Initial("ams3") with { Epoch = new Epoch(13, "3f2a9c") }));
        Assert.IsType<LeaseGrant>(Ask<LeaseGrant>(3, "ams3"));
        _coordinator.ReceiveWhile(TimeSpan.FromMilliseconds(100), m => m as StoppedGranting);   // one may already be in flight
        _coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public void An_older_copy_arriving_late_does_not_resume_grants()
    {
        _grantor.Tell(new LeaseGrantor.UseState(FailoverSamples.Moving(12)));
        _coordinator.ExpectMsg<StoppedGranting>();

        _grantor.Tell(new LeaseGrantor.UseState(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }));

        Assert.Equal(12, Ask<LeaseRefusal>(1).Epoch.Counter);
    }

    [Fact]
    public void A_stop_passes_on_that_the_regions_guard_last_said_it_guarded()
    {
        _grantor.Tell(new LeaseGrantor.UseState(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }));
        _grantor.Tell(new LeaseRequest(1, "nyc1-a", "nyc1", Guarded: true));
        ExpectMsg<LeaseGrant>();
        _grantor.Tell(new LeaseRequest(1, "nyc1-b", "nyc1", Guarded: false));   // another guard of nyc1, not fence-ready
        ExpectMsg<LeaseGrant>();

        _grantor.Tell(new LeaseGrantor.UseState(FailoverSamples.Moving(12)));

        Assert.True(_coordinator.ExpectMsg<StoppedGranting>().RegionGuarded);
        Assert.True(_coordinator.ExpectMsg<StoppedGranting>(TimeSpan.FromSeconds(2)).RegionGuarded);   // and again in the repeats
    }

    [Fact]
    public void A_guards_last_word_that_it_no_longer_guards_is_what_the_stop_passes_on()
    {
        _grantor.Tell(new LeaseGrantor.UseState(FailoverState.Initial("nyc1") with { Epoch = new Epoch(11, "c1") }));
        _grantor.Tell(new LeaseRequest(1, "nyc1-a", "nyc1", Guarded: true));
        ExpectMsg<LeaseGrant>();
        _grantor.Tell(new LeaseRequest(2, "nyc1-a", "nyc1", Guarded: false));   // stopped with SIGTERM: its release
        ExpectMsg<LeaseGrant>();
        _grantor.Tell(new LeaseRequest(1, "ams3-a", "ams3", Guarded: true));    // a guarded request of another region says nothing of nyc1
        ExpectMsg<LeaseRefusal>();

        _grantor.Tell(new LeaseGrantor.UseState(FailoverSamples.Moving(12)));

        Assert.False(_coordinator.ExpectMsg<StoppedGranting>().RegionGuarded);
    }
}
