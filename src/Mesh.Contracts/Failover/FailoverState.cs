using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Failover;

/// <summary>
/// The stored failover state (SPEC 6 rule 1), replicated with majority writes and kept on disk. Only
/// the coordinator writes it, and only a decision whose majority write succeeded takes effect. From
/// phase <c>promoting</c> on, the move's <c>To</c> is the active region for every rule.
/// It crosses nodes (replication, answers to asks), so it is a mesh message with its own manifest.
/// </summary>
public sealed record FailoverState(
    string ActiveRegion,
    Epoch Epoch,
    string Phase,
    Move? Move,
    DateTimeOffset? CooldownUntil,
    bool Paused,
    string? PauseReason,
    IReadOnlyList<HistoryRecord> History) : IMeshMessage
{
    /// <summary>How many decisions the state keeps; older ones are dropped (logs and metrics keep the rest).</summary>
    public const int HistoryLimit = 100;

    public static FailoverState Initial(string activeRegion) =>
        new(activeRegion, Epoch.Zero, Phases.Idle, null, null, false, null, []);
}

/// <summary>A failover or switchover in progress (or the last one, once completed).</summary>
public sealed record Move(
    string Kind,
    string From,
    string To,
    Epoch Epoch,
    DateTimeOffset StartedAt,
    string Reason,
    string? FencedBy,
    bool AcceptDataLoss,
    bool AcceptSplitBrainRisk,
    IReadOnlyList<StepRecord> Steps);

/// <summary>One step of a plan: <c>fence:&lt;region&gt;</c>, <c>grant-leases:&lt;region&gt;</c>, <c>promote-postgres:&lt;target&gt;</c>, <c>promote-redis:&lt;target&gt;</c>, <c>switch-dns:&lt;record&gt;</c>.</summary>
/// <param name="Note">What was learned after the step succeeded: for a DNS switch, when the authoritative name servers answered the new value.</param>
public sealed record StepRecord(string Name, string Status, DateTimeOffset? At, long? DurationMs, string? Error, string? Note = null);

/// <summary>One decision in the history (SPEC section 4, <c>/api/v1/failover/history</c>).</summary>
public sealed record HistoryRecord(
    Epoch Epoch,
    DateTimeOffset At,
    string Kind,
    string? From,
    string? To,
    string Reason,
    string? FencedBy,
    IReadOnlyList<VoteRecord> Votes,
    IReadOnlyList<StepRecord> Steps);

public sealed record VoteRecord(string Vantage, string Verdict, DateTimeOffset At);

public static class Phases
{
    public const string Idle = "idle";
    public const string Suspect = "suspect";
    public const string Fencing = "fencing";
    public const string Promoting = "promoting";
    public const string SwitchingDns = "switching-dns";
    public const string Completed = "completed";
    public const string Blocked = "blocked";

    /// <summary>Every phase, in the order a move goes through them, blocked last.</summary>
    public static readonly IReadOnlyList<string> All = [Idle, Suspect, Phases.Fencing, Promoting, SwitchingDns, Completed, Blocked];
}

public static class DecisionKinds
{
    public const string Failover = "failover";
    public const string Switchover = "switchover";
    public const string Fence = "fence";
    public const string Unfence = "unfence";
    public const string Adopt = "adopt";
    public const string Abort = "abort";
    public const string DryRun = "dry-run";
    public const string Blocked = "blocked";
}

public static class StepStatuses
{
    public const string Pending = "pending";
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string Skipped = "skipped";
}

public static class FenceEvidence
{
    // In the order of strength the history names them (rule 5).
    public const string PowerOff = "power-off";
    public const string Guards = "guards";
    public const string LeaseExpired = "lease-expired";
    public const string Unreachable = "unreachable";
    public const string Operator = "operator";
}
