using Akka.Cluster;

namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// A member's id in the downing decision: its address (the same text, so the same order, on every node)
/// and its incarnation, so a restarted node is a new member and never inherits an old record.
/// </summary>
internal static class DowningMemberId
{
    public static string Of(UniqueAddress address) => $"{address.Address}#{address.Uid}";
}
