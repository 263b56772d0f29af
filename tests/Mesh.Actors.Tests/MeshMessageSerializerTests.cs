using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Hosting;
using Mesh.Actors.Hosting;
using Mesh.Actors.Serialization;
using System.Text.Json;
using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using Mesh.Contracts.Messages;
using Mesh.Contracts.Probes;
using Microsoft.Extensions.DependencyInjection;
using Mesh.Tests.Shared;
using Microsoft.Extensions.Hosting;

namespace Mesh.Actors.Tests;

/// <summary>The serializer as production binds it (<see cref="MeshHostingExtensions.WithMeshSerialization"/>), in a real hosted actor system.</summary>
public sealed class MeshMessageSerializerTests : IAsyncLifetime
{
    private IHost _host = null!;
    private ActorSystem Sys => _host.Services.GetRequiredService<ActorSystem>();

    public async Task InitializeAsync()
    {
        _host = new HostBuilder()
            .ConfigureServices(s => s.AddLogging().AddAkka("serialization-test", b => b.WithMeshSerialization()))
            .Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>One sample of every cross-node message; a new message type fails <see cref="Every_mesh_message_has_a_sample_and_a_manifest"/> until it is added here.</summary>
    public static TheoryData<IMeshMessage> Samples => new()
    {
        GetCoordinatorStatus.Instance,
        new CoordinatorStatus("akka.tcp://health-mesh@10.0.0.5:4053", "nyc1-a", "nyc1", new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero)),
        new CoordinatorStatus("akka.tcp://health-mesh@10.0.0.5:4053", null, null, DateTimeOffset.UnixEpoch),
        Observed,
        new TargetObserved("sfo3", "app-nyc1", ProbeStatus.Unknown, null, null, null, 0, null, ProbeFacts.None),
        new GetProbeState("pg-ams3"),
        new ProbeState(Observed, [new CheckRecord(At, ProbeStatus.Healthy, 1.5, null), new CheckRecord(At.AddSeconds(-1), ProbeStatus.Unhealthy, 800, "timed out after 800 ms")]),
        new LoadBalancerObserved("4de7ac8b-495b-4884-9a69-1050c6793cd6", "active", At, null),
        new LoadBalancerObserved("4de7ac8b-495b-4884-9a69-1050c6793cd6", null, At, "DigitalOcean API answered 429"),
        new PollVotes(42, "akka.tcp://health-mesh@10.0.0.9:4053"),
        GetFailoverStatus.Instance,
        new FailoverStatus("automatic", false, "nyc1", 3, Phases.Blocked, ["paused: kernel upgrade"], At, "epoch 3: failover nyc1 -> ams3", false, [],
            [new ReadinessView("ams3", false, 4096, ["pg-ams3 is not a standby"])]),
        GetFailoverHistory.Instance,
        GetRegions.Instance,
        new PauseFailover("kernel upgrade"),
        new PauseFailover(null),
        ResumeFailover.Instance,
        new RequestFailover("ams3", AcceptDataLoss: true, AcceptSplitBrainRisk: false),
        new RequestSwitchover("ams3", Force: false),
        new RequestAdopt("ams3", 12),
        new CommandAnswer(202, 4, []),
        new CommandAnswer(409, null, ["ams3 is not eligible: pg-ams3 is not a standby"]),
        new RegionsView([new RegionView("nyc1", "site", true, [new VantageVerdict("ams3", Verdicts.Down, At, ["pg-nyc1: unhealthy for 3 s"])]), new RegionView("sfo3", "witness", false, [])]),
        new FailoverHistory([new HistoryRecord(new Epoch(3, "sfo3-w-1a2b3c4d"), At, DecisionKinds.Failover, "nyc1", "ams3", "nyc1 voted down by ams3, sfo3", FenceEvidence.Guards,
            [new VoteRecord("ams3", Verdicts.Down, At)], [new StepRecord("fence:nyc1", StepStatuses.Ok, At, 120, null), new StepRecord("switch-dns:shop", StepStatuses.Failed, At, 30_000, "429")])]),
        new VotesAnswer(42, "ams3-a", "ams3", [new RegionVerdict("nyc1", Verdicts.Down, ["pg-nyc1: unhealthy for 3 s"]), new RegionVerdict("ams3", Verdicts.Up, [])]),
        FailoverState.Initial("nyc1"),
        FailoverSamples.Moving(12, phase: Phases.Promoting),
        new FailoverStateRegister(FailoverSamples.Moving(12, phase: Phases.SwitchingDns), 7),
        new LeaseRequest(long.MaxValue, "akka.tcp://health-mesh@10.0.0.5:4053", "nyc1"),
        new LeaseGrant(41, "akka.tcp://health-mesh@10.0.1.7:4053", "ams3", new Epoch(12, "3f2a9c"), "nyc1"),
        new LeaseRefusal(41, "akka.tcp://health-mesh@10.0.2.9:4053", "sfo3", new Epoch(13, "3f2a9c"), "ams3", "nyc1", "epoch 13 makes ams3 the active region, not nyc1"),
        new GuardReport("nyc1-a", "nyc1", new Epoch(13, "3f2a9c"), Guarding: true, HoldsLease: true, FenceReady: false, "nyc1-pg: connection refused",
            FencedUnder: new Epoch(12, "3f2a9c"), Released: false, "3 regions grant until 41.2 s; fencing at 36.2 s unless renewed"),
        new LeaseRefusal(42, "akka.tcp://health-mesh@10.0.2.9:4053", "sfo3", Epoch.Zero, null, "nyc1", "this member holds no copy of the stored failover state yet"),
        new StoppedGranting("akka.tcp://health-mesh@10.0.1.7:4053", "ams3", "nyc1", new Epoch(13, "3f2a9c")),
        GetReplicationPairs.Instance,
        new ReplicationPairs("ams3-a", [new ReplicationPair("sfo3", "pg-ams3", "pg-nyc1", 4_096, true, TimeSpan.FromMilliseconds(1_250))],
            [new PrimarySighting("pg-nyc1", TimeSpan.FromSeconds(3.5))]),
    };

    private static readonly DateTimeOffset At = new(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);

    private static readonly TargetObserved Observed = new("nyc1", "pg-ams3", ProbeStatus.Healthy, At, At.AddSeconds(5), 2.25, 0, null,
        new ProbeFacts
        {
            Role = ServerRoles.Standby, ReceivePosition = 50_331_744, ReplayPosition = 50_331_648, LagSeconds = 0.5, ReplayPaused = false,
            UpstreamStatus = "streaming", Timeline = 3,
        });

    [Theory]
    [MemberData(nameof(Samples))]
    public void Each_message_round_trips_through_the_mesh_serializer(IMeshMessage message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<MeshMessageSerializer>(serializer);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

        Assert.IsType(message.GetType(), back);
        Assert.Equal(JsonSerializer.Serialize(message, message.GetType()), JsonSerializer.Serialize(back, back.GetType()));
    }

    [Fact]
    public void Every_mesh_message_has_a_sample_and_a_manifest()
    {
        var types = new[] { typeof(IMeshMessage).Assembly, typeof(MeshMessageSerializer).Assembly }.SelectMany(a => a.GetTypes())
            .Where(t => typeof(IMeshMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToList();
        var sampled = ((IEnumerable<object[]>)Samples).Select(row => row[0].GetType()).ToHashSet();

        Assert.NotEmpty(types);
        Assert.All(types, t => Assert.True(MessageManifests.ByType.ContainsKey(t), $"{t.Name} has no manifest"));
        Assert.All(types, t => Assert.True(sampled.Contains(t), $"{t.Name} has no round-trip sample"));
        Assert.Equal(MessageManifests.ByType.Count, MessageManifests.ByManifest.Count);   // manifests are unique
    }

    [Fact]
    public void The_stored_state_keeps_its_epochs_exactly()
    {
        // Epoch is a record struct with no setters: it must come back through its constructor, incarnation and all.
        var state = FailoverSamples.Moving(long.MaxValue - 1, "ünïcode/incarnation with spaces");
        var register = new FailoverStateRegister(state, long.MaxValue);
        var serializer = Sys.Serialization.FindSerializerFor(register);

        var back = (FailoverStateRegister)Sys.Serialization.Deserialize(serializer.ToBinary(register), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, register));

        Assert.Equal(state.Epoch, back.State.Epoch);
        Assert.Equal(state.Move!.Epoch, back.State.Move!.Epoch);
        Assert.Equal(state.History.Select(h => h.Epoch), back.State.History.Select(h => h.Epoch));
        Assert.Equal(long.MaxValue, back.Revision);
        Assert.Equal(0, FailoverStateRegister.Order(register, back));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_in_words()
    {
        var serializer = (MeshMessageSerializer)Sys.Serialization.FindSerializerForType(typeof(CoordinatorStatus));
        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary("{}"u8.ToArray(), "no-such-message"));
        Assert.Contains("no-such-message", e.Message, StringComparison.Ordinal);
    }
}
