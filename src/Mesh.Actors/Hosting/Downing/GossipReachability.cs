using System.Collections;
using System.Reflection;
using Akka.Cluster;

namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// Reads the per-observer reachability records out of the cluster's <c>ReachabilityChanged</c> event.
/// </summary>
/// <remarks>
/// The decision needs "observer X cannot reach subject Y" as gossip carries it, not just "Y is unreachable
/// from someone": that is what lets both sides of a partition compute the same graph. Akka.NET 1.5.73
/// publishes those records only in <c>ClusterEvent.ReachabilityChanged</c>, which (like <c>Reachability</c>
/// itself) is internal; its own resolver reads it from the same subscription. No public API carries them,
/// so this reads the event's public members by reflection. <see cref="EnsureReadable"/> runs when the
/// provider is created, so an Akka upgrade that renames them stops the node at startup (the downing
/// provider is vital, and Akka stops the cluster when its provider throws) instead of leaving it without downing.
/// </remarks>
internal static class GossipReachability
{
    private static readonly Assembly ClusterAssembly = typeof(Cluster).Assembly;
    private static readonly Type EventType = Required(ClusterAssembly.GetType("Akka.Cluster.ClusterEvent+ReachabilityChanged"), "ClusterEvent.ReachabilityChanged");
    private static readonly PropertyInfo EventReachability = Required(EventType.GetProperty("Reachability"), "ReachabilityChanged.Reachability");
    private static readonly Type ReachabilityType = Required(ClusterAssembly.GetType("Akka.Cluster.Reachability"), "Reachability");
    private static readonly PropertyInfo Records = Required(ReachabilityType.GetProperty("Records"), "Reachability.Records");
    private static readonly Type RecordType = Required(ClusterAssembly.GetType("Akka.Cluster.Reachability+Record"), "Reachability.Record");
    private static readonly PropertyInfo Observer = Required(RecordType.GetProperty("Observer"), "Record.Observer");
    private static readonly PropertyInfo Subject = Required(RecordType.GetProperty("Subject"), "Record.Subject");
    private static readonly PropertyInfo Status = Required(RecordType.GetProperty("Status"), "Record.Status");

    /// <summary>Throws when this Akka version does not publish the records the way this reader expects.</summary>
    public static void EnsureReadable() => _ = Status;

    /// <summary>
    /// When <paramref name="message"/> is the reachability event: every record whose status is not
    /// Reachable (Unreachable or Terminated), as (observer, subject).
    /// </summary>
    public static bool TryRead(object message, out IReadOnlyList<(UniqueAddress Observer, UniqueAddress Subject)> unreachable)
    {
        unreachable = [];
        if (message.GetType() != EventType) return false;
        var records = (IEnumerable)Records.GetValue(EventReachability.GetValue(message))!;
        var found = new List<(UniqueAddress, UniqueAddress)>();
        foreach (var record in records)
        {
            if (Status.GetValue(record)?.ToString() == "Reachable") continue;
            found.Add(((UniqueAddress)Observer.GetValue(record)!, (UniqueAddress)Subject.GetValue(record)!));
        }
        unreachable = found;
        return true;
    }

    private static T Required<T>(T? found, string what) where T : class =>
        found ?? throw new InvalidOperationException($"Akka.Cluster {ClusterAssembly.GetName().Version} has no {what}; region-aware downing cannot read reachability records");
}
