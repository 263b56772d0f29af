using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Probes;

/// <summary>Routes a message to the probe entity of one target (within one vantage region's sharding).</summary>
public interface IWithTargetId
{
    string TargetId { get; }
}

/// <summary>One check as remembered in a probe's history.</summary>
public sealed record CheckRecord(DateTimeOffset At, string Status, double LatencyMs, string? Error);

/// <summary>
/// A target as seen from one vantage region: published after every check (so at least every
/// interval) on the <c>observations</c> topic, and the answer to <see cref="GetProbeState"/>.
/// </summary>
public sealed record TargetObserved(
    string Vantage,
    string TargetId,
    string Status,
    DateTimeOffset? Since,
    DateTimeOffset? LastCheck,
    double? LatencyMs,
    int ConsecutiveFailures,
    string? Error,
    ProbeFacts Facts) : IMeshMessage, IWithTargetId;

/// <summary>Asks a probe entity for its state and history.</summary>
public sealed record GetProbeState(string TargetId) : IMeshMessage, IWithTargetId;

/// <summary>A probe entity's answer: its latest observation and its recent checks, most recent first.</summary>
public sealed record ProbeState(TargetObserved Observed, IReadOnlyList<CheckRecord> History) : IMeshMessage;
