namespace Mesh.Contracts.Api;

/// <summary><c>GET /api/v1/cluster</c>: this node's view of the membership, the leader and where the coordinator runs.</summary>
public sealed record ClusterView(
    SelfView Self,
    string? Leader,
    string? LeaderNode,
    string? Coordinator,
    string? CoordinatorNode,
    IReadOnlyList<MemberView> Members);

public sealed record SelfView(string Address, string? Node, string? Region, string Status);

public sealed record MemberView(string Address, string? Node, string? Region, string Status, bool Reachable, IReadOnlyList<string> Roles);
