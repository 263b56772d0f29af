using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Failover;

/// <summary>Asks the coordinator for <c>GET /api/v1/failover</c>.</summary>
public sealed record GetFailoverStatus : IMeshMessage
{
    public static readonly GetFailoverStatus Instance = new();
}

/// <summary>SPEC section 4, <c>GET /api/v1/failover</c>.</summary>
public sealed record FailoverStatus(
    string Mode,
    bool Paused,
    string ActiveRegion,
    long Epoch,
    string Phase,
    IReadOnlyList<string> BlockedReasons,
    DateTimeOffset? CooldownUntil,
    string? LastDecision,
    bool Guarded,
    IReadOnlyList<string> LeaseHolders,
    IReadOnlyList<ReadinessView> Readiness) : IMeshMessage;

/// <summary>Whether a failover to a region would be allowed now, and how much data it would lose.</summary>
public sealed record ReadinessView(string Region, bool Eligible, long? LagBytes, IReadOnlyList<string> Reasons);

/// <summary>Asks the coordinator for <c>GET /api/v1/failover/history</c>.</summary>
public sealed record GetFailoverHistory : IMeshMessage
{
    public static readonly GetFailoverHistory Instance = new();
}

public sealed record FailoverHistory(IReadOnlyList<HistoryRecord> Entries) : IMeshMessage;

/// <summary>Asks the coordinator for <c>GET /api/v1/regions</c>: every region's votes from its latest poll round.</summary>
public sealed record GetRegions : IMeshMessage
{
    public static readonly GetRegions Instance = new();
}

/// <summary>SPEC section 4, <c>GET /api/v1/regions</c>.</summary>
public sealed record RegionsView(IReadOnlyList<RegionView> Regions) : IMeshMessage;

public sealed record RegionView(string Name, string Kind, bool Active, IReadOnlyList<VantageVerdict> Verdicts);

/// <summary>One vantage region's vote on a region; <c>At</c> is when the coordinator's round took it (its wall clock, for reading only).</summary>
public sealed record VantageVerdict(string Vantage, string Verdict, DateTimeOffset At, IReadOnlyList<string> Reasons);
