using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>A fence: what was done, in order and in words, and the reading from a new session that confirmed it (or the reason it did not).</summary>
/// <param name="EndedSessions">Client sessions this fence ended.</param>
/// <param name="Confirmed">The reading of a session opened after every step; null when the server is a standby.</param>
public sealed record FenceResult(
    string Server,
    FenceMode Mode,
    Epoch Epoch,
    ActionOutcome Outcome,
    string? Reason,
    IReadOnlyList<string> Done,
    int EndedSessions,
    PostgresReading? Confirmed)
{
    public bool Succeeded => Outcome == ActionOutcome.Succeeded;

    /// <summary>
    /// The primary's WAL position read after the fence was confirmed. Its epoch row was written after the last
    /// client session ended, so a standby that has replayed past this position holds every commit the primary
    /// acknowledged (the switchover's barrier, SPEC 6 rule 7). Null unless the fence succeeded.
    /// </summary>
    public ulong? WalLsn => Succeeded ? Confirmed?.CurrentWalLsn : null;

    public override string ToString() => ActionText.Describe(Server, Mode == FenceMode.Strict ? "strict fence" : "read-only fence", Epoch, Outcome, Reason, Done);
}

/// <summary>A promotion.</summary>
/// <param name="PromotedNow">This call ran pg_promote; false when the server was already out of recovery.</param>
public sealed record PromoteResult(
    string Server,
    Epoch Epoch,
    ActionOutcome Outcome,
    string? Reason,
    IReadOnlyList<string> Done,
    bool PromotedNow,
    PostgresReading? Confirmed)
{
    public bool Succeeded => Outcome == ActionOutcome.Succeeded;
    public override string ToString() => ActionText.Describe(Server, "promotion", Epoch, Outcome, Reason, Done);
}

/// <summary>The lifting of a fence.</summary>
public sealed record UnfenceResult(
    string Server,
    Epoch Epoch,
    ActionOutcome Outcome,
    string? Reason,
    IReadOnlyList<string> Done,
    PostgresReading? Confirmed)
{
    public bool Succeeded => Outcome == ActionOutcome.Succeeded;
    public override string ToString() => ActionText.Describe(Server, "unfence", Epoch, Outcome, Reason, Done);
}

/// <summary>Whether a standby has replayed the WAL up to <see cref="Target"/>.</summary>
public sealed record ReplayProgress(string Server, ulong Target, bool InRecovery, ulong? ReplayLsn)
{
    /// <summary>Only a server still in recovery counts: a promoted one no longer follows the primary's WAL.</summary>
    public bool Reached => InRecovery && ReplayLsn >= Target;

    public override string ToString() => !InRecovery
        ? $"{Server}: not in recovery, so it does not replay {Lsn.Format(Target)}"
        : $"{Server}: replayed {Lsn.Format(ReplayLsn)}, {(Reached ? "past" : "short of")} {Lsn.Format(Target)}";
}

internal static class ActionText
{
    public static string Describe(string server, string action, Epoch epoch, ActionOutcome outcome, string? reason, IReadOnlyList<string> done)
    {
        var verdict = outcome switch
        {
            ActionOutcome.Succeeded => "succeeded",
            ActionOutcome.SkippedStandby => "skipped",
            _ => "failed",
        };
        var why = reason is null ? "" : $": {reason}";
        var steps = done.Count == 0 ? "" : $" (done: {string.Join("; ", done)})";
        return $"{server}: {action} at epoch {epoch} {verdict}{why}{steps}";
    }
}

/// <summary>Whether the mesh's role can fence a server, and the server's role at that moment.</summary>
public sealed record FencePrivileges(string Server, bool CanFence, bool InRecovery, string Reason);
