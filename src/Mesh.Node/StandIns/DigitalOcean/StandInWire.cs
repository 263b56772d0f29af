using System.Text.Json.Serialization;

namespace Mesh.Node.StandIns.DigitalOcean;

// The JSON of the API, member for member as in DigitalOcean's OpenAPI spec (snake_case by StandInJson.Options).
// Nullable members the spec marks nullable are written as null; members the spec has as optional-but-not-nullable
// carry WhenWritingNull, since a null there is a contract violation while an absent member is not.

internal sealed record ErrorBody(string Id, string Message, string RequestId);

internal sealed record AccountEnvelope(AccountJson Account);

internal sealed record AccountJson(int DropletLimit, int FloatingIpLimit, string Email, string Name, string Uuid,
    bool EmailVerified, string Status, string StatusMessage, TeamJson Team);

internal sealed record TeamJson(string Uuid, string Name);

internal sealed record DomainRecordJson(long Id, string Type, string Name, string Data, int? Priority, int? Port,
    int Ttl, int? Weight, int? Flags, string? Tag);

internal sealed record DomainRecordEnvelope(DomainRecordJson DomainRecord);

internal sealed record DomainRecordList(IReadOnlyList<DomainRecordJson> DomainRecords, LinksJson Links, MetaJson Meta);

internal sealed record LinksJson([property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PagesJson? Pages);

internal sealed record PagesJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? First,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prev,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Last);

internal sealed record MetaJson(int Total);

internal sealed record RegionJson(string Name, string Slug, IReadOnlyList<string> Features, bool Available, IReadOnlyList<string> Sizes);

internal sealed record LoadBalancerEnvelope(LoadBalancerJson LoadBalancer);

internal sealed record LoadBalancerJson(string Id, string Name, string ProjectId, string Ip, int SizeUnit, string Status,
    string CreatedAt, IReadOnlyList<ForwardingRuleJson> ForwardingRules, HealthCheckJson HealthCheck,
    StickySessionsJson StickySessions, bool RedirectHttpToHttps, bool EnableProxyProtocol, bool EnableBackendKeepalive,
    int HttpIdleTimeoutSeconds, string VpcUuid, bool DisableLetsEncryptDnsRecords, FirewallJson Firewall, string Network,
    string NetworkStack, string Type, string TlsCipherPolicy, RegionJson Region, IReadOnlyList<long> DropletIds, string Tag);

internal sealed record ForwardingRuleJson(string EntryProtocol, int EntryPort, string TargetProtocol, int TargetPort,
    string CertificateId, bool TlsPassthrough);

internal sealed record HealthCheckJson(string Protocol, int Port, string Path, int CheckIntervalSeconds,
    int ResponseTimeoutSeconds, int UnhealthyThreshold, int HealthyThreshold);

internal sealed record StickySessionsJson(string Type);

internal sealed record FirewallJson(IReadOnlyList<string> Deny, IReadOnlyList<string> Allow);

internal sealed record DropletEnvelope(DropletJson Droplet);

internal sealed record DropletList(IReadOnlyList<DropletJson> Droplets, LinksJson Links, MetaJson Meta);

internal sealed record DropletJson(long Id, string Name, int Memory, int Vcpus, int Disk, IReadOnlyList<DiskInfoJson> DiskInfo,
    bool Locked, string Status, object? Kernel, string CreatedAt, IReadOnlyList<string> Features, IReadOnlyList<long> BackupIds,
    object? NextBackupWindow, IReadOnlyList<long> SnapshotIds, ImageJson Image, IReadOnlyList<string> VolumeIds, SizeJson Size,
    string SizeSlug, NetworksJson Networks, RegionJson Region, IReadOnlyList<string> Tags, string VpcUuid);

internal sealed record DiskInfoJson(string Type, DiskSizeJson Size);

internal sealed record DiskSizeJson(int Amount, string Unit);

internal sealed record ImageJson(long Id, string Name, string Type, string Distribution, string Slug, bool Public,
    IReadOnlyList<string> Regions, string CreatedAt, int MinDiskSize, double SizeGigabytes, string Description,
    IReadOnlyList<string> Tags, string Status);

internal sealed record SizeJson(string Slug, int Memory, int Vcpus, int Disk, double Transfer, double PriceMonthly,
    double PriceHourly, IReadOnlyList<string> Regions, bool Available, string Description, IReadOnlyList<DiskInfoJson> DiskInfo);

internal sealed record NetworksJson(IReadOnlyList<NetworkV4Json> V4, IReadOnlyList<NetworkV6Json> V6);

internal sealed record NetworkV4Json(string IpAddress, string Netmask, string Gateway, string Type);

internal sealed record NetworkV6Json(string IpAddress, int Netmask, string Gateway, string Type);

internal sealed record ActionEnvelope(ActionJson Action);

internal sealed record ActionJson(long Id, string Status, string Type, string StartedAt, string? CompletedAt, long? ResourceId,
    string ResourceType, RegionJson Region, string? RegionSlug);

// Request bodies: every member optional, so the handlers decide what is missing and answer 422 in the API's words.

internal sealed record RecordRequest(string? Type, string? Name, string? Data, int? Priority, int? Port, int? Ttl,
    int? Weight, int? Flags, string? Tag);

internal sealed record ActionRequest(string? Type);
