namespace Mesh.Contracts.Api;

/// <summary><c>GET /api/v1/targets</c>: one target with its state from every vantage region.</summary>
public sealed record TargetView(string Id, string Kind, string Region, string? Group, bool Critical, IReadOnlyList<VantageView> Views);

/// <summary><c>GET /api/v1/targets/{id}</c>: as <see cref="TargetView"/>, plus recent checks from all vantages, most recent first.</summary>
public sealed record TargetDetailView(string Id, string Kind, string Region, string? Group, bool Critical,
    IReadOnlyList<VantageView> Views, IReadOnlyList<HistoryEntry> History);

public sealed record VantageView(
    string Vantage,
    string Status,
    DateTimeOffset? Since,
    DateTimeOffset? LastCheck,
    double? LatencyMs,
    int ConsecutiveFailures,
    string? Error,
    TargetDetails Details);

/// <summary>
/// What the probe knows of the server. A standby's <c>lagBytes</c> is its group primary's write
/// position minus its replay position, both from this vantage's latest observations; <c>lagBasis</c>
/// names the primary and when each of the two observations was made.
/// </summary>
public sealed record TargetDetails(
    string? Role,
    long? LagBytes,
    double? LagSeconds,
    long? ReceiveLagBytes,
    bool? Fenced,
    long? FenceEpoch,
    long? Timeline,
    long? WritePosition,
    long? ReceivePosition,
    long? ReplayPosition,
    bool? ReplayPaused,
    string? UpstreamStatus,
    int? Replicas,
    LagBasis? LagBasis,
    string? LoadBalancerStatus,
    DateTimeOffset? LoadBalancerStatusAt,
    int? HttpStatus);

public sealed record LagBasis(string PrimaryTarget, DateTimeOffset? PrimaryObservedAt, DateTimeOffset? StandbyObservedAt);

public sealed record HistoryEntry(string Vantage, DateTimeOffset At, string Status, double LatencyMs, string? Error);
