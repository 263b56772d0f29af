using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData.Durable;
using Akka.Event;

namespace Mesh.Actors.DurableData;

/// <summary>
/// The durable store behind DistributedData's durable keys (<c>akka.cluster.distributed-data.durable</c>,
/// <c>store-actor-class</c>), one file per key under <c>file.dir</c>.
/// </summary>
/// <remarks>
/// Akka's own store, Akka.DistributedData.LightningDB 1.5.73, is built against LightningDB 0.16 and
/// fails with 0.23.1, the only version available here (MissingMethodException for
/// <c>LightningExtensions.AsEnumerable</c> on the first load; the replicator then never answers).
/// The durable keys are few and small (the failover state), so a file per key, replaced atomically
/// and flushed before the write is acknowledged, is all the durability they need. Guarantees:
/// a <see cref="Store"/> is answered with success only once the entry is on disk (there is no
/// write-behind), and a node acknowledges a replicated write only after that, so a majority write
/// is on the disks of a majority. A file that cannot be read stops this node's replicator (Akka's
/// rule for a failed load) with the file named in the log; the other nodes still hold the data.
/// </remarks>
public sealed class FileDurableStore : ReceiveActor
{
    /// <summary>The setting, under the durable section, that names the folder.</summary>
    public const string DirectorySetting = "file.dir";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Akka.Serialization.Serialization _serialization = Context.System.Serialization;
    private readonly DurableDataReadiness _readiness = DurableDataReadiness.Get(Context.System);
    private readonly string _directory;

    /// <param name="durable">The <c>akka.cluster.distributed-data.durable</c> section, as the replicator passes it.</param>
    public FileDurableStore(Config durable)
    {
        var directory = durable.GetString(DirectorySetting, null);
        if (string.IsNullOrWhiteSpace(directory))
        {
            const string reason = "akka.cluster.distributed-data.durable.file.dir is not set: the node does not know where to keep its durable data";
            _readiness.MarkFailed(reason);
            throw new ConfigurationException(reason);
        }
        _directory = Path.GetFullPath(directory);
        try
        {
            if (!Directory.Exists(_directory))
            {
                Directory.CreateDirectory(_directory);
                DirectorySync.Flush(Path.GetDirectoryName(_directory) ?? _directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = $"cannot create the durable data folder {_directory}: {e.Message}";
            _readiness.MarkFailed(reason);
            throw new ConfigurationException(reason);
        }

        Receive<LoadAll>(_ => LoadAll());
        Receive<Store>(Store);
    }

    private void LoadAll()
    {
        var entries = ImmutableDictionary.CreateBuilder<string, DurableDataEnvelope>();
        var current = _directory;
        try
        {
            foreach (var leftover in Directory.EnumerateFiles(_directory, "*" + DurableFile.Extension + DurableFile.TemporaryExtension))
                File.Delete(leftover);   // a write cut short by a crash; the entry it was replacing is intact
            foreach (var path in Directory.EnumerateFiles(_directory, "*" + DurableFile.Extension))
            {
                current = path;
                var entry = DurableFile.Read(path);
                entries[entry.Key] = (DurableDataEnvelope)_serialization.Deserialize(entry.Payload, entry.SerializerId, entry.Manifest);
            }
        }
        catch (Exception e)
        {
            // Akka's rule: a failed load stops the replicator, rather than serving a replica that silently lacks entries.
            var reason = $"cannot load durable data from {current} ({e.Message}). This node's distributed data is stopped; "
                         + "move the file aside and restart the node to take the data from the other nodes.";
            _log.Error(e, "{0}", reason);
            _readiness.MarkFailed(reason);
            throw new LoadFailedException(reason, e);
        }
        if (entries.Count > 0) Sender.Tell(new LoadData(entries.ToImmutable()));
        Sender.Tell(LoadAllCompleted.Instance);
        // Told after the replicator's last load message, so anything sent to it from now on is handled after the load.
        _readiness.MarkLoaded();
        _log.Info("Loaded {0} durable data entries from {1}", entries.Count, _directory);
    }

    private void Store(Store store)
    {
        try
        {
            var serializer = _serialization.FindSerializerFor(store.Data);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, store.Data);
            DurableFile.Write(_directory, new DurableFile.Entry(store.Key, serializer.Identifier, manifest, serializer.ToBinary(store.Data)));
            store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
        }
        catch (Exception e)
        {
            _log.Error(e, "Cannot write durable data entry {0} to {1}: {2}", store.Key, DurableFile.PathFor(_directory, store.Key), e.Message);
            store.Reply?.ReplyTo.Tell(store.Reply.FailureMessage);
        }
    }
}
