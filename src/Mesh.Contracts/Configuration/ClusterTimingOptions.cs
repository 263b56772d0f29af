namespace Mesh.Contracts.Configuration;

/// <summary>Split brain resolver and failure detector timings.</summary>
public sealed record ClusterTimingOptions
{
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Default: the number of seed nodes. A majority of it must be Up before the cluster forms.</summary>
    public int? ExpectedNodes { get; init; }
}
