using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>
/// A resource records a newer epoch than the action's (SPEC 6 rule 10): a newer decision has been taken, and a
/// stale or duplicate coordinator must not undo it. Nothing was changed by the refused action.
/// </summary>
public sealed class StaleEpochException(string resource, Epoch recorded, Epoch attempted)
    : Exception($"{resource} records epoch {recorded}, newer than {attempted}: refused")
{
    /// <summary>The resource in words, e.g. <c>redis 10.0.0.5:6379</c>.</summary>
    public string Resource { get; } = resource;
    public Epoch Recorded { get; } = recorded;
    public Epoch Attempted { get; } = attempted;
}
