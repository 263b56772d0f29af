using Mesh.Contracts.Api;

namespace Mesh.Node.Status;

/// <summary>The cluster part of <c>health-mesh status</c>.</summary>
public static class ClusterTable
{
    public static string Render(ClusterView view, Palette? palette = null)
    {
        var header = $"cluster: {view.Members.Count} members, leader {view.LeaderNode ?? view.Leader ?? "none"}, "
                     + $"coordinator {view.CoordinatorNode ?? view.Coordinator ?? "not running"} (answered by {view.Self.Node ?? view.Self.Address}, {view.Self.Status})";
        var rows = view.Members
            .OrderBy(m => m.Region, StringComparer.Ordinal).ThenBy(m => m.Node, StringComparer.Ordinal)
            .Select(m => (IReadOnlyList<string>)
            [
                m.Node ?? "?", m.Region ?? "?", m.Status, m.Reachable ? "yes" : "NO",
                Marks(view, m), m.Address,
            ]);
        return header + Environment.NewLine + TextTable.Render(["NODE", "REGION", "STATUS", "REACHABLE", "ROLE", "ADDRESS"], rows, palette);
    }

    private static string Marks(ClusterView view, MemberView m)
    {
        var marks = new List<string>();
        if (m.Address == view.Leader) marks.Add("leader");
        if (m.Address == view.Coordinator) marks.Add("coordinator");
        return marks.Count == 0 ? "-" : string.Join(",", marks);
    }
}
