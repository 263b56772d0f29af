using Akka.Actor;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>The coordinator's own messages, never sent across nodes.</summary>
public sealed partial class FailoverCoordinator
{
    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record RunStep
    {
        public static readonly RunStep Instance = new();
    }

    private sealed record Loaded(FailoverState? State, string? Error);
    private sealed record Surveyed(FailoverState? Stored, ResourceFindings? Findings, string? Error);

    private sealed record Resurvey
    {
        public static readonly Resurvey Instance = new();
    }
    private sealed record Written(FailoverState State, object? Then);
    private sealed record WriteFailed(FailoverState Attempted, object? Then, string Error);
    private sealed record StepDone(string Step, StepOutcome Outcome, DateTimeOffset StartedAt, TimeSpan Duration);
    private sealed record Delayed(object Message, TimeSpan After);
    private sealed record Rewrite(FailoverState State, object? Then);
    private sealed record Reply(IActorRef To, object Answer, object? Next);
    private sealed record Replies(IReadOnlyList<IActorRef> To, object? Next);

    /// <summary>An adopt's write: once stored, the disagreement of rule 11 is settled.</summary>
    private sealed record Settled(object Inner);

    /// <summary>A move's completion is stored: only now does the status say so (rule 1: a decision takes effect once its write succeeded).</summary>
    private sealed record Finished(Move Move, string Phase);

    /// <summary>An operator's pause or resume stored while rule 11 still blocks: the state stays unreconciled.</summary>
    private sealed record StillUnreconciled(object Inner);
    private sealed record StaleWrite(object? Then, string Reason);
    private sealed record NameServersAnswered(Epoch Epoch, string Step, string? Note);
}
