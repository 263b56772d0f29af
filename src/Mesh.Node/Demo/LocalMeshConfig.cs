using System.Globalization;
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

    /// <summary>The shop's DNS in the demo: one record, and its value for each site region.</summary>
    public const string Domain = "shop.test";
    public const string RecordName = "www";
    public const int RecordTtl = 30;
    public static readonly IReadOnlyDictionary<string, string> RegionValues = new Dictionary<string, string> { ["nyc1"] = "192.0.2.10", ["ams3"] = "198.51.100.20" };

    /// <summary>The tag of each site region's database and cache droplets, which a failover away from the region powers off when the mesh has a shop.</summary>
    public static readonly IReadOnlyDictionary<string, string> DropletTags = new Dictionary<string, string> { ["nyc1"] = "shop-db-nyc1", ["ams3"] = "shop-db-ams3" };

    /// <summary>The failover settings of every local mesh (SPEC's defaults, written out so that a measurement names what it measured).</summary>
    public const int Quorum = 2;
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    public const int ProbeFall = 3;

    /// <param name="shop">The shop's PostgreSQL and Redis to watch and fail over; without it the only targets are the nodes' own health endpoints.</param>
    public static IReadOnlyList<LocalNodeSpec> Write(string workDir, LocalMeshTimings timings, string apiToken, LocalDigitalOcean? digitalOcean = null, LocalShop? shop = null)
    {
        Directory.CreateDirectory(workDir);
        // Remoting ports ascending in layout order: of members that become Up together the lower address is the older,
        // so a drill that starts the first node among the first two knows that it will host the coordinator.
        var remoting = Layout.Select(_ => LocalPorts.Free()).Order().ToList();
        var specs = Layout.Select((l, i) => new LocalNodeSpec(l.Node, l.Region, remoting[i], LocalPorts.Free(),
            Path.Combine(workDir, $"{l.Node}.json"), Path.Combine(workDir, $"{l.Node}.log"))).ToList();
        foreach (var spec in specs)
        {
            var json = Config(spec, specs, timings, Path.Combine(workDir, "data", spec.Name), apiToken, digitalOcean ?? LocalDigitalOcean.Unreachable, shop);
            File.WriteAllText(spec.ConfigPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return specs;
    }

    private static JsonObject Config(LocalNodeSpec self, IReadOnlyList<LocalNodeSpec> all, LocalMeshTimings t, string dataDir, string apiToken, LocalDigitalOcean digitalOcean,
        LocalShop? shop)
    {
        // The site regions' "app servers" are the nodes' own health endpoints, so the demo has targets to watch.
        var apps = all.Where(n => Layout.Any(l => l.Node == n.Name && l.Kind == RegionKinds.Site)).Select(n => AppTarget(n.Region, $"{n.HttpUrl}/healthz"));
        var shopTargets = shop is null ? [] : shop.PostgresPorts.Select(kv => PostgresTarget(kv.Key, "127.0.0.1", kv.Value))
            .Concat(shop.RedisPorts.Select(kv => RedisTarget(kv.Key, "127.0.0.1", kv.Value)));
        // With a shop the old primaries are crashed servers: only powering their droplets off proves them fenced.
        var fencing = shop is null ? new JsonObject { ["AcceptUnreachablePrimary"] = true } : PowerOffFencing();
        return Node(new NodeAt(self.Name, self.Region, "127.0.0.1", self.RemotingPort, self.HttpUrl, dataDir), all.Select(n => n.Address(ClusterName)),
            t, apiToken, digitalOcean, [.. apps, .. shopTargets], fencing);
    }

    /// <summary>Where one node runs: its identity, the host its cluster port binds and is reached at, its API's URLs and its data folder.</summary>
    public sealed record NodeAt(string Name, string Region, string Host, int RemotingPort, string HttpUrls, string DataDir);

    /// <summary>One node's whole configuration file: the demo's regions (<see cref="Layout"/>), DNS and defaults, with the given targets and fencing.</summary>
    public static JsonObject Node(NodeAt self, IEnumerable<string> seeds, LocalMeshTimings t, string apiToken, LocalDigitalOcean digitalOcean,
        IEnumerable<JsonNode> targets, JsonObject fencing, JsonObject? cluster = null) => new()
    {
        ["Mesh"] = new JsonObject
        {
            ["ClusterName"] = ClusterName,
            ["Node"] = new JsonObject
            {
                ["Name"] = self.Name,
                ["Region"] = self.Region,
                ["Hostname"] = self.Host,
                ["Port"] = self.RemotingPort,
                ["SeedNodes"] = new JsonArray(seeds.Select(a => (JsonNode)JsonValue.Create(a)).ToArray()),
                ["HttpUrls"] = self.HttpUrls,
                ["DataDir"] = self.DataDir,
            },
            ["Regions"] = new JsonArray(Layout.Select(l => l.Region).Distinct().Select(r => (JsonNode)new JsonObject { ["Name"] = r, ["Kind"] = Layout.First(l => l.Region == r).Kind }).ToArray()),
            ["Cluster"] = cluster ?? new JsonObject
            {
                ["StableAfter"] = Durations.Format(t.StableAfter),
                ["HeartbeatInterval"] = Durations.Format(t.HeartbeatInterval),
                ["AcceptableHeartbeatPause"] = Durations.Format(t.AcceptableHeartbeatPause),
            },
            ["InitialActiveRegion"] = "nyc1",
            ["Probes"] = new JsonObject { ["Interval"] = Durations.Format(ProbeInterval), ["Fall"] = ProbeFall },
            ["Targets"] = new JsonArray([.. targets]),
            ["Failover"] = new JsonObject
            {
                ["Mode"] = FailoverModes.Automatic,
                ["Quorum"] = Quorum,
                ["Dns"] = new JsonObject
                {
                    ["Domain"] = Domain,
                    ["Records"] = new JsonArray(new JsonObject { ["Name"] = RecordName, ["Type"] = "A", ["Ttl"] = RecordTtl }),
                    ["Values"] = new JsonObject(RegionValues.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                },
                ["Fencing"] = fencing,
            },
            ["DigitalOcean"] = new JsonObject
            {
                ["ApiUrl"] = digitalOcean.ApiUrl.AbsoluteUri, ["Token"] = digitalOcean.Token, ["ActionsToken"] = digitalOcean.ActionsToken,
            },
            ["Api"] = new JsonObject { ["Token"] = apiToken },
        },
    };

    /// <summary>Fencing that may power the old region's droplets off (evidence (b)), each site region's droplets under its tag.</summary>
    public static JsonObject PowerOffFencing() => new()
    {
        ["PowerOffDroplets"] = true,
        ["DropletTags"] = new JsonObject(DropletTags.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
    };

    /// <summary>A critical HTTP target (an app server) answering "ok" at <paramref name="url"/>.</summary>
    public static JsonNode AppTarget(string region, string url) => new JsonObject
    {
        ["Id"] = $"app-{region}", ["Kind"] = TargetKinds.Http, ["Region"] = region, ["Critical"] = true, ["Url"] = url, ["ExpectBody"] = "ok",
    };

    /// <summary>A region's PostgreSQL, critical, in the shop's replication group; the password is an env: secret.</summary>
    public static JsonNode PostgresTarget(string region, string host, int port) => new JsonObject
    {
        ["Id"] = LocalShop.PostgresTarget(region), ["Kind"] = TargetKinds.Postgres, ["Region"] = region, ["Group"] = LocalShop.PostgresGroup, ["Critical"] = true,
        ["ConnectionString"] = $"Host={host};Port={port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Password=env:{LocalShop.PostgresPasswordVariable};Database=postgres",
    };

    /// <summary>A region's Redis, critical, in the shop's replication group; the password is an env: secret.</summary>
    public static JsonNode RedisTarget(string region, string host, int port) => new JsonObject
    {
        ["Id"] = LocalShop.RedisTarget(region), ["Kind"] = TargetKinds.Redis, ["Region"] = region, ["Group"] = LocalShop.RedisGroup, ["Critical"] = true,
        ["Endpoint"] = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}", ["Password"] = $"env:{LocalShop.RedisPasswordVariable}",
    };
}

/// <summary>Where the mesh on this machine finds "DigitalOcean": the stand-in the demo runs, or nothing at all.</summary>
public sealed record LocalDigitalOcean(Uri ApiUrl, string Token, string ActionsToken)
{
    /// <summary>A port nothing listens on (discard), for meshes that never call the API.</summary>
    public static readonly LocalDigitalOcean Unreachable = new(new Uri("http://127.0.0.1:9"), "local-mesh-token", "local-mesh-actions-token");

    // Not a record's generated ToString: the tokens are secrets even here.
    public override string ToString() => $"LocalDigitalOcean {{ ApiUrl = {ApiUrl} }}";
}
