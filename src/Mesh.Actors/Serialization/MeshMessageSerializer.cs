using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace Mesh.Actors.Serialization;

/// <summary>
/// Serializes every <see cref="Mesh.Contracts.Messages.IMeshMessage"/> as System.Text.Json under an
/// explicit manifest. No type names travel on the wire, so a peer cannot make this node instantiate
/// an arbitrary type.
/// </summary>
public sealed class MeshMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const string Name = "health-mesh";
    public const int Id = 4711;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public override int Identifier => Id;

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);

    public override object FromBinary(byte[] bytes, string manifest) =>
        MessageManifests.ByManifest.TryGetValue(manifest, out var type)
            ? JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"empty payload for manifest '{manifest}'")
            : throw new SerializationException($"unknown manifest '{manifest}': is a node of another version in the cluster?");

    public override string Manifest(object o) =>
        MessageManifests.ByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new ArgumentException($"{o.GetType().Name} has no manifest in {nameof(MessageManifests)}", nameof(o));
}
