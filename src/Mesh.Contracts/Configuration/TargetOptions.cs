using System.Text;

namespace Mesh.Contracts.Configuration;

/// <summary>
/// One probed target. Which fields apply depends on <see cref="Kind"/>; the validator rejects the
/// ones that do not. Secrets (the connection string's password, Redis password) never reach
/// <see cref="ToString"/>.
/// </summary>
public sealed record TargetOptions
{
    public string? Id { get; init; }
    public string? Kind { get; init; }
    public string? Region { get; init; }
    public string? Group { get; init; }
    public bool Critical { get; init; }

    /// <summary>postgres: an Npgsql connection string; the password may be <c>env:</c> or <c>file:</c>.</summary>
    public string? ConnectionString { get; init; }
    /// <summary>redis: host:port.</summary>
    public string? Endpoint { get; init; }
    /// <summary>redis: a secret.</summary>
    public string? Password { get; init; }
    /// <summary>http and loadbalancer: the URL checked.</summary>
    public string? Url { get; init; }
    public int? ExpectStatus { get; init; }
    public string? ExpectBody { get; init; }
    /// <summary>loadbalancer: the DigitalOcean load balancer's id.</summary>
    public string? LoadBalancerId { get; init; }

    public TimeSpan? Interval { get; init; }
    public TimeSpan? Timeout { get; init; }
    public TimeSpan? ConnectTimeout { get; init; }
    public int? Rise { get; init; }
    public int? Fall { get; init; }
    public TimeSpan? Grace { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Id = {Id}, Kind = {Kind}, Region = {Region}, Group = {Group}, Critical = {Critical}");
        if (ConnectionString is not null) builder.Append($", ConnectionString = {ConnectionStrings.Redact(ConnectionString)}");
        if (Endpoint is not null) builder.Append($", Endpoint = {Endpoint}");
        if (Url is not null) builder.Append($", Url = {Url}");
        if (LoadBalancerId is not null) builder.Append($", LoadBalancerId = {LoadBalancerId}");
        return true;
    }
}

public static class TargetKinds
{
    public const string Postgres = "postgres";
    public const string Redis = "redis";
    public const string Http = "http";
    public const string LoadBalancer = "loadbalancer";
    public static readonly IReadOnlyList<string> All = [Postgres, Redis, Http, LoadBalancer];
}
