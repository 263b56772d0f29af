using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>
/// The resource records a newer epoch than the action's (SPEC 6 rule 10): a newer decision has been taken,
/// so this one must not undo it. Every action throws it before changing anything, so nothing was changed.
/// An exception rather than a result so that a stale coordinator cannot mistake a refusal for a failure to retry.
/// </summary>
public sealed class StaleEpochException(string resource, string action, Epoch recorded, Epoch attempted)
    : Exception($"{resource} records epoch {recorded}, newer than the epoch {attempted} of this {action}: a newer decision has been taken; nothing was changed")
{
    public string Resource { get; } = resource;
    public string Action { get; } = action;
    public Epoch Recorded { get; } = recorded;
    public Epoch Attempted { get; } = attempted;
}
