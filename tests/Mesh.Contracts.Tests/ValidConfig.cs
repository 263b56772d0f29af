using Mesh.Contracts.Configuration;
using Microsoft.Extensions.Configuration;

namespace Mesh.Contracts.Tests;

/// <summary>A complete, valid configuration as flat keys, which tests change one rule at a time.</summary>
internal static class ValidConfig
{
    public static Dictionary<string, string?> Keys() => new()
    {
        ["Mesh:ClusterName"] = "health-mesh",
        ["Mesh:Node:Name"] = "nyc1-a",
        ["Mesh:Node:Region"] = "nyc1",
        ["Mesh:Node:Hostname"] = "10.10.0.5",
        ["Mesh:Node:Port"] = "4053",
        ["Mesh:Node:SeedNodes:0"] = "akka.tcp://health-mesh@10.10.0.5:4053",
        ["Mesh:Node:SeedNodes:1"] = "akka.tcp://health-mesh@10.20.0.7:4053",
        ["Mesh:Node:SeedNodes:2"] = "akka.tcp://health-mesh@10.30.0.9:4053",
        ["Mesh:Node:HttpUrls"] = "http://0.0.0.0:8080",
        ["Mesh:Node:DataDir"] = "/var/lib/health-mesh",
        ["Mesh:Regions:0:Name"] = "nyc1", ["Mesh:Regions:0:Kind"] = "site",
        ["Mesh:Regions:1:Name"] = "ams3", ["Mesh:Regions:1:Kind"] = "site",
        ["Mesh:Regions:2:Name"] = "sfo3", ["Mesh:Regions:2:Kind"] = "witness",
        ["Mesh:Cluster:StableAfter"] = "00:00:20",
        ["Mesh:Cluster:HeartbeatInterval"] = "00:00:01",
        ["Mesh:Cluster:AcceptableHeartbeatPause"] = "00:00:05",
        ["Mesh:InitialActiveRegion"] = "nyc1",
        ["Mesh:Probes:Interval"] = "00:00:01",
        ["Mesh:Probes:Timeout"] = "00:00:00.800",
        ["Mesh:Probes:Rise"] = "2",
        ["Mesh:Probes:Fall"] = "3",
        ["Mesh:Targets:0:Id"] = "pg-nyc1", ["Mesh:Targets:0:Kind"] = "postgres", ["Mesh:Targets:0:Region"] = "nyc1",
        ["Mesh:Targets:0:Group"] = "main-db", ["Mesh:Targets:0:Critical"] = "true",
        ["Mesh:Targets:0:ConnectionString"] = "Host=10.10.0.9;Username=mesh;Password=env:PG_PASSWORD;Database=postgres",
        ["Mesh:Targets:1:Id"] = "pg-ams3", ["Mesh:Targets:1:Kind"] = "postgres", ["Mesh:Targets:1:Region"] = "ams3",
        ["Mesh:Targets:1:Group"] = "main-db", ["Mesh:Targets:1:Critical"] = "true",
        ["Mesh:Targets:1:ConnectionString"] = "Host=10.20.0.9;Username=mesh;Password=env:PG_PASSWORD;Database=postgres",
        ["Mesh:Targets:2:Id"] = "app-nyc1", ["Mesh:Targets:2:Kind"] = "http", ["Mesh:Targets:2:Region"] = "nyc1",
        ["Mesh:Targets:2:Url"] = "http://10.10.0.7/health", ["Mesh:Targets:2:Critical"] = "true",
        ["Mesh:Targets:3:Id"] = "redis-nyc1", ["Mesh:Targets:3:Kind"] = "redis", ["Mesh:Targets:3:Region"] = "nyc1",
        ["Mesh:Targets:3:Group"] = "cache", ["Mesh:Targets:3:Endpoint"] = "10.10.0.11:6379", ["Mesh:Targets:3:Password"] = "env:REDIS_PASSWORD",
        ["Mesh:Targets:4:Id"] = "redis-ams3", ["Mesh:Targets:4:Kind"] = "redis", ["Mesh:Targets:4:Region"] = "ams3",
        ["Mesh:Targets:4:Group"] = "cache", ["Mesh:Targets:4:Endpoint"] = "10.20.0.11:6379", ["Mesh:Targets:4:Password"] = "env:REDIS_PASSWORD",
        ["Mesh:Targets:5:Id"] = "lb-nyc1", ["Mesh:Targets:5:Kind"] = "loadbalancer", ["Mesh:Targets:5:Region"] = "nyc1",
        ["Mesh:Targets:5:LoadBalancerId"] = "4de7ac8b-495b-4884-9a69-1050c6793cd6", ["Mesh:Targets:5:Url"] = "http://203.0.113.10/health",
        ["Mesh:Failover:Mode"] = "automatic",
        ["Mesh:Failover:Quorum"] = "2",
        ["Mesh:Failover:Dns:Provider"] = "digitalocean",
        ["Mesh:Failover:Dns:Domain"] = "example.com",
        ["Mesh:Failover:Dns:Records:0:Name"] = "shop", ["Mesh:Failover:Dns:Records:0:Type"] = "A", ["Mesh:Failover:Dns:Records:0:Ttl"] = "30",
        ["Mesh:Failover:Dns:Values:nyc1"] = "203.0.113.10",
        ["Mesh:Failover:Dns:Values:ams3"] = "198.51.100.20",
        ["Mesh:Failover:Fencing:PowerOffDroplets"] = "true",
        ["Mesh:Failover:Fencing:DropletTags:nyc1"] = "shop-db-nyc1",
        ["Mesh:Failover:Fencing:DropletTags:ams3"] = "shop-db-ams3",
        ["Mesh:DigitalOcean:Token"] = "env:DO_TOKEN",
        ["Mesh:Api:Token"] = "env:API_TOKEN",
    };

    public static LoadedConfiguration Load(IDictionary<string, string?> keys, FakeEnvironment? env = null) =>
        MeshConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(keys).Build(), env ?? new FakeEnvironment());

    /// <summary>The valid configuration with some keys changed (a null value removes the key).</summary>
    public static LoadedConfiguration LoadWith(params (string Key, string? Value)[] changes)
    {
        var keys = Keys();
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                foreach (var k in keys.Keys.Where(k => k == key || k.StartsWith(key + ":", StringComparison.Ordinal)).ToList()) keys.Remove(k);
            }
            else keys[key] = value;
        }
        return Load(keys);
    }
}
