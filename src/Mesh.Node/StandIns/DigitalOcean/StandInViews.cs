namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// Stored entries as the API shows them. The stand-in models only names, regions, tags, statuses and
/// addresses; every other member the spec requires gets a fixed, plausible value (a basic 1 GB droplet
/// on Ubuntu, an HTTP load balancer with the API's default health check).
/// </summary>
internal static class StandInViews
{
    private static readonly Dictionary<string, string> RegionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["nyc1"] = "New York 1", ["nyc2"] = "New York 2", ["nyc3"] = "New York 3",
        ["sfo1"] = "San Francisco 1", ["sfo2"] = "San Francisco 2", ["sfo3"] = "San Francisco 3",
        ["ams2"] = "Amsterdam 2", ["ams3"] = "Amsterdam 3", ["sgp1"] = "Singapore 1", ["lon1"] = "London 1",
        ["fra1"] = "Frankfurt 1", ["tor1"] = "Toronto 1", ["blr1"] = "Bangalore 1", ["syd1"] = "Sydney 1",
        ["atl1"] = "Atlanta 1", ["ric1"] = "Richmond 1",
    };

    private static readonly string[] RegionFeatures = ["backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"];
    private static readonly string[] RegionSizes = ["s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-4gb"];
    // The image and size objects list regions from the spec's enum only; a stand-in region outside it is still a valid droplet region.
    private static readonly string[] CatalogRegions = ["ams3", "blr1", "fra1", "lon1", "nyc1", "nyc3", "sfo3", "sgp1", "syd1", "tor1"];
    private static readonly DiskInfoJson[] DiskInfo = [new("local", new DiskSizeJson(25, "gib"))];
    private const string Created = "2024-01-10T12:00:00Z";

    public static RegionJson Region(string slug) =>
        new(RegionNames.GetValueOrDefault(slug, slug), slug, RegionFeatures, true, RegionSizes);

    public static DomainRecordJson Record(RecordEntry r) =>
        new(r.Id, r.Type, r.Name, r.Data, r.Priority, r.Port, r.Ttl, r.Weight, r.Flags, r.Tag);

    public static AccountJson Account() =>
        new(DropletLimit: 25, FloatingIpLimit: 3, Email: "stand-in@example.com", Name: "Health Mesh stand-in",
            Uuid: "b6fc48dbf6d9906cace5f3c78dc9851e757381ef", EmailVerified: true, Status: "active", StatusMessage: "",
            Team: new TeamJson("5df3e3004a17e242b7c20ca6c9fc25b701a47ece", "Health Mesh"));

    public static LoadBalancerJson LoadBalancer(LoadBalancerEntry lb) =>
        new(lb.Id, lb.Name, ProjectId: "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", lb.Ip, SizeUnit: 1, lb.Status,
            StandInJson.Timestamp(lb.CreatedAt),
            ForwardingRules: [new ForwardingRuleJson("http", 80, "http", 80, CertificateId: "", TlsPassthrough: false)],
            HealthCheck: new HealthCheckJson("http", 80, "/", CheckIntervalSeconds: 10, ResponseTimeoutSeconds: 5, UnhealthyThreshold: 5, HealthyThreshold: 3),
            StickySessions: new StickySessionsJson("none"),
            RedirectHttpToHttps: false, EnableProxyProtocol: false, EnableBackendKeepalive: false, HttpIdleTimeoutSeconds: 60,
            VpcUuid: "c33931f2-a26a-4e61-b85c-4e95a2ec431b", DisableLetsEncryptDnsRecords: false,
            Firewall: new FirewallJson([], []), Network: "EXTERNAL", NetworkStack: "IPV4", Type: "REGIONAL", TlsCipherPolicy: "DEFAULT",
            Region(lb.Region), lb.DropletIds, Tag: "");

    public static DropletJson Droplet(DropletEntry d) =>
        new(d.Id, d.Name, Memory: 1024, Vcpus: 1, Disk: 25, DiskInfo, Locked: d.PendingActionId is not null, d.Status, Kernel: null,
            StandInJson.Timestamp(d.CreatedAt), Features: ["monitoring", "private_networking"], BackupIds: [], NextBackupWindow: null,
            SnapshotIds: [], Image, VolumeIds: [], Size, SizeSlug: Size.Slug, Networks(d.Id), Region(d.Region), d.Tags,
            VpcUuid: "760e09ef-dc84-11e8-981e-3cfdfeaae000");

    public static ActionJson Action(ActionEntry a) =>
        new(a.Id, a.CompletedAt is null ? "in-progress" : "completed", a.Type, StandInJson.Timestamp(a.StartedAt),
            a.CompletedAt is { } done ? StandInJson.Timestamp(done) : null, a.DropletId, "droplet", Region(a.Region), a.Region);

    private static readonly ImageJson Image = new(
        Id: 129211873, Name: "24.04 (LTS) x64", Type: "base", Distribution: "Ubuntu", Slug: "ubuntu-24-04-x64", Public: true,
        CatalogRegions, Created, MinDiskSize: 7, SizeGigabytes: 2.34, Description: "Ubuntu 24.04 (LTS) x64", Tags: [], Status: "available");

    private static readonly SizeJson Size = new(
        Slug: "s-1vcpu-1gb", Memory: 1024, Vcpus: 1, Disk: 25, Transfer: 1.0, PriceMonthly: 6.0, PriceHourly: 0.00893,
        CatalogRegions, Available: true, Description: "Basic", DiskInfo);

    /// <summary>Addresses derived from the id, from documentation ranges (RFC 5737 / RFC 3849), so they are stable and reach nothing.</summary>
    private static NetworksJson Networks(long id)
    {
        var host = (int)(id % 250) + 2;
        return new NetworksJson(
            [new NetworkV4Json($"203.0.113.{host}", "255.255.255.0", "203.0.113.1", "public"),
             new NetworkV4Json($"10.116.0.{host}", "255.255.240.0", "10.116.0.1", "private")],
            [new NetworkV6Json($"2001:db8::{host:x}", 64, "2001:db8::1", "public")]);
    }
}
