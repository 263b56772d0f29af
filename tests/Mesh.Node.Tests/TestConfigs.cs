using System.Text.Json.Nodes;
using Mesh.Node.Demo;

namespace Mesh.Node.Tests;

/// <summary>Configuration files for tests: the local mesh's, optionally cut down to a single node that forms a cluster alone.</summary>
internal static class TestConfigs
{
    public const string ApiToken = "test-api-token-5f1c";

    public static string NewDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mesh-node-tests", Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A valid three-node mesh's files; returns the first node (nyc1-a).</summary>
    public static IReadOnlyList<LocalNodeSpec> Mesh(string dir) => LocalMeshConfig.Write(dir, LocalMeshTimings.Fast, ApiToken);

    /// <summary>nyc1-a alone: its only seed is itself, so it forms a cluster of one.</summary>
    public static LocalNodeSpec SingleNode(string dir, Action<JsonObject>? change = null)
    {
        var node = Mesh(dir)[0];
        Edit(node.ConfigPath, mesh =>
        {
            mesh["Node"]!["SeedNodes"] = new JsonArray(JsonValue.Create(node.Address(LocalMeshConfig.ClusterName)));
            change?.Invoke(mesh);
        });
        return node;
    }

    public static void Edit(string path, Action<JsonObject> change)
    {
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(root["Mesh"]!.AsObject());
        File.WriteAllText(path, root.ToJsonString());
    }
}
