using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Contracts.Configuration;

namespace Mesh.Node.Demo;

/// <summary>The configuration files of a three-region mesh on loopback: nyc1 and ams3 sites, sfo3 witness.</summary>
public static class LocalMeshConfig
{
    public const string ClusterName = "health-mesh";
    public static readonly (string Node, string Region, string Kind)[] Layout =
        [("nyc1-a", "nyc1", RegionKinds.Site), ("ams3-a", "ams3", RegionKinds.Site), ("sfo3-w", "sfo3", RegionKinds.Witness)];

    public static IReadOnlyList<LocalNodeSpec> Write(string workDir, LocalMeshTimings timings, string apiToken)
    {
        Directory.CreateDirectory(workDir);
        var specs = Layout.Select(l => new LocalNodeSpec(l.Node, l.Region, LocalPorts.Free(), LocalPorts.Free(),
            Path.Combine(workDir, $"{l.Node}.json"), Path.Combine(workDir, $"{l.Node}.log"))).ToList();
        foreach (var spec in specs)
        {
            var json = Config(spec, specs, timings, Path.Combine(workDir, "data", spec.Name), apiToken);
            File.WriteAllText(spec.ConfigPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return specs;
    }

    private static JsonObject Config(LocalNodeSpec self, IReadOnlyList<LocalNodeSpec> all, LocalMeshTimings t, string dataDir, string apiToken) => new()
    {
        ["Mesh"] = new JsonObject
        {
            ["ClusterName"] = ClusterName,
            ["Node"] = new JsonObject
            {
                ["Name"] = self.Name,
                ["Region"] = self.Region,
                ["Hostname"] = "127.0.0.1",
                ["Port"] = self.RemotingPort,
                ["SeedNodes"] = new JsonArray(all.Select(n => (JsonNode)JsonValue.Create(n.Address(ClusterName))).ToArray()),
                ["HttpUrls"] = self.HttpUrl,
                ["DataDir"] = dataDir,
            },
            ["Regions"] = new JsonArray(Layout.Select(l => (JsonNode)new JsonObject { ["Name"] = l.Region, ["Kind"] = l.Kind }).ToArray()),
            ["Cluster"] = new JsonObject
            {
                ["StableAfter"] = Durations.Format(t.StableAfter),
                ["HeartbeatInterval"] = Durations.Format(t.HeartbeatInterval),
                ["AcceptableHeartbeatPause"] = Durations.Format(t.AcceptableHeartbeatPause),
            },
            ["InitialActiveRegion"] = "nyc1",
            // The site regions' "app servers" are the nodes' own health endpoints, so the demo has targets to watch.
            ["Targets"] = new JsonArray(all.Where(n => Layout.Any(l => l.Node == n.Name && l.Kind == RegionKinds.Site))
                .Select(n => (JsonNode)new JsonObject
                {
                    ["Id"] = $"app-{n.Region}", ["Kind"] = TargetKinds.Http, ["Region"] = n.Region, ["Critical"] = true,
                    ["Url"] = $"{n.HttpUrl}/healthz", ["ExpectBody"] = "ok",
                }).ToArray()),
            ["Failover"] = new JsonObject
            {
                ["Mode"] = FailoverModes.Automatic,
                ["Dns"] = new JsonObject
                {
                    ["Domain"] = "shop.test",
                    ["Records"] = new JsonArray(new JsonObject { ["Name"] = "www", ["Type"] = "A", ["Ttl"] = 30 }),
                    ["Values"] = new JsonObject { ["nyc1"] = "192.0.2.10", ["ams3"] = "198.51.100.20" },
                },
                ["Fencing"] = new JsonObject { ["AcceptUnreachablePrimary"] = true },
            },
            ["DigitalOcean"] = new JsonObject { ["ApiUrl"] = "http://127.0.0.1:9", ["Token"] = "local-mesh-token" },
            ["Api"] = new JsonObject { ["Token"] = apiToken },
        },
    };
}
