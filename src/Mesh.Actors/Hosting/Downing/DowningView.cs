namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// One member as the downing decision sees it. <paramref name="Id"/> is the member's unique address
/// as text (address and incarnation), the same string on every node, so ordering by it is the same
/// everywhere. <paramref name="Counted"/>: Up or Leaving, i.e. a member every side agreed on before the
/// partition (a member becomes Up only at convergence); Joining and WeaklyUp members may be known on
/// one side only, so they never decide which set survives.
/// </summary>
public sealed record DowningMember(string Id, string? Region, bool Counted);

/// <summary>A gossip record: <paramref name="Observer"/>'s failure detector marked <paramref name="Subject"/> unreachable (or terminated).</summary>
public sealed record UnreachableObservation(string Observer, string Subject);

/// <summary>
/// Everything the decision reads: the members that are not Down, Exiting or Removed, the cluster's
/// shared reachability records (gossiped, so every side converges on the same records), the
/// configured region names, and the active region (null when this node does not know it).
/// </summary>
public sealed record DowningView(
    IReadOnlyList<DowningMember> Members,
    IReadOnlyList<UnreachableObservation> Observations,
    IReadOnlyList<string> Regions,
    string? ActiveRegion);
