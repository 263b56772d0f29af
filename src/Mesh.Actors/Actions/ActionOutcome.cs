namespace Mesh.Actors.Actions;

/// <summary>How a PostgreSQL action ended. A refusal because of a newer epoch is not an outcome: it is <see cref="StaleEpochException"/>.</summary>
public enum ActionOutcome
{
    /// <summary>Done and confirmed from a new session.</summary>
    Succeeded,

    /// <summary>Not done, or done but not confirmed; the result's reason says why in words.</summary>
    Failed,

    /// <summary>The server is in recovery: a standby is never fenced, and there is nothing to lift. Nothing was done.</summary>
    SkippedStandby,
}
