namespace Mesh.Contracts.Messages;

/// <summary>
/// Marks every message that may cross nodes. All of them are bound to the mesh's own serializer
/// (a manifest per type over System.Text.Json), never to Akka's polymorphic Newtonsoft fallback.
/// </summary>
public interface IMeshMessage;
