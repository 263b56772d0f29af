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

/// <summary><c>POST /api/v1/failover/pause</c>: no automatic decision until resumed (rule 13); guards, grants and a move past its fence go on.</summary>
public sealed record PauseFailover(string? Reason) : IMeshMessage;

/// <summary><c>POST /api/v1/failover/resume</c>.</summary>
public sealed record ResumeFailover : IMeshMessage
{
    public static readonly ResumeFailover Instance = new();
}

/// <summary><c>POST /api/v1/failover/failover</c>: an operator's failover of a region that is down.</summary>
public sealed record RequestFailover(string To, bool AcceptDataLoss, bool AcceptSplitBrainRisk) : IMeshMessage;

/// <summary><c>POST /api/v1/failover/switchover</c>: a planned, lossless move.</summary>
public sealed record RequestSwitchover(string To, bool Force) : IMeshMessage;

/// <summary>
/// <c>POST /api/v1/failover/adopt</c>: the operator's word on which region is active, after repairing things by hand or
/// when the stored state and the resources disagree (rule 11). <paramref name="Epoch"/> is the counter they last saw.
/// </summary>
public sealed record RequestAdopt(string ActiveRegion, long Epoch) : IMeshMessage;

/// <summary>The coordinator's answer to a command: an HTTP status (200, 202, 400, 409, 503), the epoch of a started move, and the reasons of a refusal.</summary>
public sealed record CommandAnswer(int Status, long? Epoch, IReadOnlyList<string> Reasons) : IMeshMessage;
