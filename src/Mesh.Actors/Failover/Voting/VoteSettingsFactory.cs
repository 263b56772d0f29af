using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Failover.Voting;

/// <summary>The voting rules a configuration implies: each site region's critical targets with their grace.</summary>
public static class VoteSettingsFactory
{
    public static VoteSettings From(MeshOptions options) => new(
        options.SiteRegions.ToDictionary(
            r => r.Name!,
            r => (IReadOnlyList<CriticalTarget>)options.Targets.Where(t => t.Critical && t.Region == r.Name)
                .Select(t => new CriticalTarget(t.Id!, ProbeSettings.For(t, options.Probes).Grace)).ToList(),
            StringComparer.Ordinal),
        options.Failover.ObservationMaxAge);
}
