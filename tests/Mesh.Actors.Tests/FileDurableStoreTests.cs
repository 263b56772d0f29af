using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.DistributedData.Durable;
using Akka.TestKit.Xunit2;
using Mesh.Actors.DurableData;
using Mesh.Actors.Failover;
using Mesh.Actors.Hosting;
using Mesh.Actors.Serialization;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Tests.Shared;

namespace Mesh.Actors.Tests;

/// <summary>
/// The durable store that keeps DistributedData's durable keys on disk, driven with the replicator's
/// own protocol (Store, LoadAll) and Akka's own serializer for the durable envelope.
/// </summary>
public sealed class FileDurableStoreTests : TestKit
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
        akka.actor.serializers.health-mesh = "{{typeof(MeshMessageSerializer).FullName}}, Mesh.Actors"
        akka.actor.serialization-bindings { "Mesh.Contracts.Messages.IMeshMessage, Mesh.Contracts" = health-mesh }
        """).WithFallback(DistributedData.DefaultConfig());

    private readonly string _directory = Path.Combine(Directory.CreateTempSubdirectory("mesh-durable-store-").FullName, "ddata");

    public FileDurableStoreTests() : base(TestConfig)
    {
    }

    private IActorRef StartStore() =>
        Sys.ActorOf(Props.Create(() => new FileDurableStore(ConfigurationFactory.ParseString($"file.dir = {System.Text.Json.JsonSerializer.Serialize(_directory)}"))));

    /// <summary>A store that wrote the state of epoch 4 to disk and stopped, as a node that shut down.</summary>
    private void StoreOneEntryAndStop()
    {
        var store = StartStore();
        store.Tell(LoadAll.Instance);
        ExpectMsg<LoadAllCompleted>();
        store.Tell(new Store(FailoverStateKey.DefaultId, Envelope(4, Phases.Fencing), new StoreReply("stored", "failed", TestActor)));
        ExpectMsg("stored");
        Sys.Stop(store);
    }

    private static DurableDataEnvelope Envelope(long counter, string phase) =>
        new(new FailoverStateRegister(FailoverSamples.Moving(counter, phase: phase), 3));

    [Fact]
    public async Task A_stored_entry_is_acknowledged_once_on_disk_and_a_new_store_loads_it_back_whole()
    {
        var store = StartStore();
        store.Tell(LoadAll.Instance);
        ExpectMsg<LoadAllCompleted>();
        await DurableDataReadiness.Get(Sys).Loaded.WaitAsync(TimeSpan.FromSeconds(5));

        store.Tell(new Store(FailoverStateKey.DefaultId, Envelope(4, Phases.Fencing), new StoreReply("stored", "failed", TestActor)));
        ExpectMsg("stored");
        store.Tell(new Store(FailoverStateKey.DefaultId, Envelope(5, Phases.Promoting), new StoreReply("stored", "failed", TestActor)));
        ExpectMsg("stored");
        store.Tell(new Store("other/../key", Envelope(1, Phases.Idle), new StoreReply("stored", "failed", TestActor)));
        ExpectMsg("stored");
        Assert.Equal(["failover-state.ddata", "other~2F~2E~2E~2Fkey.ddata"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order());
        Sys.Stop(store);

        var reopened = StartStore();
        reopened.Tell(LoadAll.Instance);
        var loaded = ExpectMsg<LoadData>().Data;
        ExpectMsg<LoadAllCompleted>();

        Assert.Equal(["failover-state", "other/../key"], loaded.Keys.Order());
        var register = Assert.IsType<FailoverStateRegister>(loaded[FailoverStateKey.DefaultId].Data);
        Assert.Equal(FailoverSamples.Json(FailoverSamples.Moving(5, phase: Phases.Promoting)), FailoverSamples.Json(register.State));
        Assert.Equal((new Epoch(5, "3f2a9c"), 3L), (register.State.Epoch, register.Revision));
    }

    [Fact]
    public async Task A_damaged_file_stops_the_nodes_distributed_data_and_every_read_and_write_says_which_file_and_what_to_do()
    {
        StoreOneEntryAndStop();

        var path = Path.Combine(_directory, "failover-state.ddata");
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes);

        // A node started on that folder: its replicator stops, and every read and write of the state says why.
        var node = ActorSystem.Create("damaged", ConfigurationFactory.ParseString(DistributedDataHosting.Hocon(
            new MeshOptions { Node = new NodeOptions { DataDir = Path.GetDirectoryName(_directory) } })).WithFallback(TestConfig));
        try
        {
            var state = new FailoverStateStore(node, TimeSpan.FromSeconds(2));
            var read = Assert.IsType<StateReadFailed>(await state.ReadLocalAsync());
            var write = Assert.IsType<StateWriteFailed>(await state.WriteMajorityAsync(FailoverSamples.Moving(5)));
            foreach (var reason in new[] { read.Reason, write.Reason })
            {
                Assert.Contains(path, reason, StringComparison.Ordinal);
                Assert.Contains("checksum", reason, StringComparison.Ordinal);
                Assert.Contains("move the file aside", reason, StringComparison.Ordinal);
            }
        }
        finally
        {
            await node.Terminate();
        }
    }

    [Fact]
    public void A_write_cut_short_by_a_crash_leaves_the_previous_entry_and_its_leftover_is_removed()
    {
        StoreOneEntryAndStop();
        var leftover = Path.Combine(_directory, "failover-state.ddata.tmp");
        File.WriteAllBytes(leftover, [1, 2, 3]);

        var reopened = StartStore();
        reopened.Tell(LoadAll.Instance);
        var loaded = ExpectMsg<LoadData>().Data;
        ExpectMsg<LoadAllCompleted>();

        Assert.Equal(4, ((FailoverStateRegister)loaded[FailoverStateKey.DefaultId].Data).State.Epoch.Counter);
        Assert.False(File.Exists(leftover));
    }

    [Fact]
    public void The_file_format_refuses_what_it_did_not_write()
    {
        var entry = new DurableFile.Entry("failover-state", 4711, "failover-state-register", [1, 2, 3]);
        var bytes = DurableFile.Encode(entry);

        var back = DurableFile.Decode(bytes, "x");
        Assert.Equal((entry.Key, entry.SerializerId, entry.Manifest), (back.Key, back.SerializerId, back.Manifest));
        Assert.Equal(entry.Payload, back.Payload);

        Assert.Contains("not a durable data file", Assert.Throws<InvalidDataException>(() => DurableFile.Decode("{\"json\":true}"u8.ToArray(), "x")).Message, StringComparison.Ordinal);
        Assert.Contains("damaged", Assert.Throws<InvalidDataException>(() => DurableFile.Decode(bytes[..^1], "x")).Message, StringComparison.Ordinal);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);
    }
}
