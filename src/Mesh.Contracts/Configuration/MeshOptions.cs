namespace Mesh.Contracts.Configuration;

/// <summary>
/// The whole configuration under the <c>Mesh</c> section (SPEC section 3). Defaults are the values
/// of the SPEC example where the SPEC gives one; required fields are nullable and reported by
/// <see cref="MeshOptionsValidator"/> when missing.
/// </summary>
public sealed record MeshOptions
{
    public const string SectionName = "Mesh";

    public string ClusterName { get; init; } = "health-mesh";
    public NodeOptions Node { get; init; } = new();
    public IReadOnlyList<RegionOptions> Regions { get; init; } = [];
    public ClusterTimingOptions Cluster { get; init; } = new();
    public string? InitialActiveRegion { get; init; }
    public ProbeOptions Probes { get; init; } = new();
    public IReadOnlyList<TargetOptions> Targets { get; init; } = [];
    public FailoverOptions Failover { get; init; } = new();
    public DigitalOceanOptions DigitalOcean { get; init; } = new();
    public ApiOptions Api { get; init; } = new();
    public RemoteOptions Remote { get; init; } = new();

    /// <summary>The region named <paramref name="name"/>, or null.</summary>
    public RegionOptions? FindRegion(string? name) =>
        Regions.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));

    /// <summary>The member of <paramref name="target"/>'s group of the same kind in <paramref name="region"/>; null when the group has none there.</summary>
    public TargetOptions? GroupMemberIn(TargetOptions target, string region) =>
        target.Group is null ? null : Targets.FirstOrDefault(t => t.Group == target.Group && t.Kind == target.Kind && t.Region == region);

    /// <summary>The members of every group of kind <paramref name="kind"/> in <paramref name="region"/>: the servers a fence or an unfence of that region acts on.</summary>
    public IEnumerable<TargetOptions> GroupMembersIn(string region, string kind) =>
        Targets.Where(t => t.Region == region && t.Group is not null && t.Kind == kind);

    public IEnumerable<RegionOptions> SiteRegions => Regions.Where(r => r.Kind == RegionKinds.Site);

    /// <summary>The configured quorum, or the majority of configured regions.</summary>
    public int EffectiveQuorum => Failover.Quorum ?? Regions.Count / 2 + 1;

    /// <summary>How many members must be Up before the cluster forms: a majority of the expected nodes.</summary>
    public int MinimumMembers => (Cluster.ExpectedNodes ?? Node.SeedNodes.Count) / 2 + 1;
}
