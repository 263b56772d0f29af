using Mesh.Contracts.Api;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;

namespace Mesh.Node.Demo;

/// <summary>
/// One poll of what a drill follows: the observer node's view of the cluster, the regions' votes, the failover
/// status and the move being followed (from its API; null where it did not answer), and the DNS record as
/// DigitalOcean holds it.
/// </summary>
public sealed record MeshSnapshot(
    DateTimeOffset At,
    ClusterView? Cluster,
    IReadOnlyList<RegionView>? Regions,
    FailoverStatus? Status,
    HistoryView? Move,
    string? DnsValue);
