namespace Mesh.Actors.DigitalOcean;

// The parts of DigitalOcean's objects the mesh reads. Unknown members are ignored: the API adds fields over time.

public sealed record Account(string? Email, string? Uuid, string? Status, string? StatusMessage);

/// <summary>A DNS record. <c>Name</c> is relative to the domain (<c>www</c>, or <c>@</c> for the apex).</summary>
public sealed record DomainRecord(long Id, string Type, string Name, string? Data, int? Ttl);

/// <summary>What a create or update sends: always the whole record, so an update is idempotent and safe to repeat.</summary>
public sealed record DomainRecordRequest(string Type, string Name, string Data, int Ttl)
{
    /// <summary>DigitalOcean's documented minimum; the spec does not enforce it, so the client does.</summary>
    public const int MinimumTtl = 30;
}

public sealed record Region(string? Slug, string? Name);

public sealed record HealthCheck(string? Protocol, int? Port, string? Path, int? CheckIntervalSeconds, int? ResponseTimeoutSeconds,
    int? HealthyThreshold, int? UnhealthyThreshold);

/// <summary>A load balancer; <c>Status</c> is <c>new</c>, <c>active</c> or <c>errored</c>.</summary>
public sealed record LoadBalancer(string Id, string? Name, string? Status, string? Ip, Region? Region, IReadOnlyList<long>? DropletIds,
    HealthCheck? HealthCheck);

/// <summary>A droplet; <c>Status</c> is <c>new</c>, <c>active</c>, <c>off</c> or <c>archive</c>; <c>Locked</c> while an action runs.</summary>
public sealed record Droplet(long Id, string Name, string Status, bool Locked, Region? Region, IReadOnlyList<string>? Tags);

/// <summary>An action on a resource; <c>Status</c> is <c>in-progress</c>, <c>completed</c> or <c>errored</c>.</summary>
public sealed record DigitalOceanAction(long Id, string Status, string? Type, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt,
    long? ResourceId, string? ResourceType, string? RegionSlug)
{
    public const string InProgress = "in-progress";
    public const string Completed = "completed";
    public const string Errored = "errored";

    public bool IsDone => Status is Completed or Errored;
}

/// <summary>The rate-limit headers of the latest answer: each request counts for an hour, so Reset moves forward gradually.</summary>
public sealed record RateLimit(int Limit, int Remaining, DateTimeOffset Reset);
