namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// What the view decides, the same on every node that holds the same view: the members that stay
/// (<see cref="Keep"/>, empty when no mutually reachable set spans a majority of regions), the members
/// to down, and <see cref="Actor"/>, the one kept member that downs the others (the lowest counted
/// member of the kept set; null when nothing is kept). Lists are in ordinal order of <see cref="DowningMember.Id"/>.
/// </summary>
public sealed record DowningDecision(IReadOnlyList<string> Keep, IReadOnlyList<string> Down, string? Actor, string Reason)
{
    public bool DownsNothing => Down.Count == 0;
}

/// <summary>What the local node does with a decision.</summary>
public enum LocalDowningAction
{
    /// <summary>No member is to be downed.</summary>
    None,

    /// <summary>This node stays; the decision's actor downs the others.</summary>
    Wait,

    /// <summary>This node is the decision's actor: it downs every member of <see cref="DowningDecision.Down"/>.</summary>
    DownOthers,

    /// <summary>This node is among the downed: it downs itself (its process then exits and is restarted).</summary>
    DownSelf,
}
