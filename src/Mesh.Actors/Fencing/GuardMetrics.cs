using Prometheus;

namespace Mesh.Actors.Fencing;

/// <summary>The guard's lease as this node sees it (SPEC 6 rule 4), for the "lease close to expiry" alert.</summary>
public static class GuardMetrics
{
    /// <summary>
    /// A duration on the guard's own monotonic clock, so it means the same on every node whatever their wall clocks
    /// say. Present only while the node's region is the active one.
    /// </summary>
    public static readonly Gauge LeaseRemaining = Metrics.CreateGauge(
        "mesh_lease_remaining_seconds", "How long this node's write lease still lasts (0 when it holds none); present only while its region is active.",
        new GaugeConfiguration { LabelNames = ["region"] });
}
