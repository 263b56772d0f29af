using Akka.Cluster;

namespace Mesh.Actors.Hosting;

/// <summary>
/// Roles carry what every member must know of every other without asking it: its region, its node
/// name, and whether its region is a site or a witness. Sharding per region allocates by the region role.
/// </summary>
public static class ClusterRoles
{
    private const string RegionPrefix = "region:";
    private const string NodePrefix = "node:";

    public static string Region(string region) => RegionPrefix + region;
    public static string Node(string node) => NodePrefix + node;

    public static string? RegionOf(Member member) => Find(member, RegionPrefix);
    public static string? NodeOf(Member member) => Find(member, NodePrefix);

    private static string? Find(Member member, string prefix) =>
        member.Roles.FirstOrDefault(r => r.StartsWith(prefix, StringComparison.Ordinal)) is { } role ? role[prefix.Length..] : null;
}
