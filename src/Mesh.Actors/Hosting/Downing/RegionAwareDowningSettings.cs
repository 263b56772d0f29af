using Akka.Configuration;

namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// The provider's settings, from HOCON (Akka creates the provider by reflection, so configuration is its
/// only input). <c>stable-after</c> is the stock resolver's own key, so one setting means one thing.
/// </summary>
/// <param name="DownRemovalMargin"><c>akka.cluster.down-removal-margin</c>, null when <c>off</c>.</param>
/// <param name="InitialActiveRegion">The active region while no failover state is stored (the coordinator assumes the same).</param>
public sealed record RegionAwareDowningSettings(TimeSpan StableAfter, IReadOnlyList<string> Regions, TimeSpan? DownRemovalMargin, string? InitialActiveRegion)
{
    public const string RegionsPath = "health-mesh.downing.regions";
    public const string InitialActiveRegionPath = "health-mesh.downing.initial-active-region";
    public const string StableAfterPath = "akka.cluster.split-brain-resolver.stable-after";
    public const string DownRemovalMarginPath = "akka.cluster.down-removal-margin";

    public static RegionAwareDowningSettings From(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var regions = config.HasPath(RegionsPath) ? config.GetStringList(RegionsPath).ToList() : [];
        if (regions.Count == 0)
            throw new ConfigurationException($"{RegionsPath} must name the configured regions for region-aware downing");
        var stableAfter = config.GetTimeSpan(StableAfterPath, TimeSpan.FromSeconds(20));
        var margin = config.GetString(DownRemovalMarginPath, "off") is "off" or "" ? (TimeSpan?)null : config.GetTimeSpan(DownRemovalMarginPath);
        var initial = config.GetString(InitialActiveRegionPath, "") is { Length: > 0 } r ? r : null;
        return new RegionAwareDowningSettings(stableAfter, regions, margin, initial);
    }
}
