using System.Text.Json;
using Akka.DistributedData;
using Akka.Hosting;
using Mesh.Actors.DurableData;
using Mesh.Actors.Failover;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Hosting;

/// <summary>
/// DistributedData on every node, with the failover state's key durable in the node's data folder
/// (<c>Node:DataDir/ddata</c>), through <see cref="FileDurableStore"/>.
/// </summary>
public static class DistributedDataHosting
{
    /// <summary>The durable data's folder, inside the node's data folder.</summary>
    public static string DirectoryFor(MeshOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.Node.DataDir)
            ? throw new ArgumentException("Node:DataDir is required: the node keeps the stored failover state there", nameof(options))
            : Path.Combine(options.Node.DataDir, "ddata");
    }

    // JSON string syntax is HOCON's quoted string syntax, so any path is quoted safely. The key is durable with
    // every key that extends its name (Akka's prefix match), so tests can keep durable keys of their own beside
    // the live coordinator's.
    public static string Hocon(MeshOptions options) => $$"""
        akka.cluster.distributed-data.durable {
          keys = [{{JsonSerializer.Serialize(FailoverStateKey.DefaultId + "*")}}]
          store-actor-class = {{JsonSerializer.Serialize($"{typeof(FileDurableStore).FullName}, {typeof(FileDurableStore).Assembly.GetName().Name}")}}
          {{FileDurableStore.DirectorySetting}} = {{JsonSerializer.Serialize(DirectoryFor(options))}}
        }
        """;

    /// <summary>
    /// Starts the replicator with the actor system, not on first use: a node counts towards every
    /// majority whether or not anything on it reads the state, and must answer for its replica.
    /// </summary>
    public static AkkaConfigurationBuilder WithDurableDistributedData(this AkkaConfigurationBuilder builder, MeshOptions options) =>
        builder
            .AddHocon(Hocon(options), HoconAddMode.Prepend)
            .AddStartup((system, _) =>
            {
                DistributedData.Get(system);
                return Task.CompletedTask;
            });
}
