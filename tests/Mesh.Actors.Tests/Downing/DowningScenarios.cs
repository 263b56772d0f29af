using Mesh.Actors.Hosting.Downing;

namespace Mesh.Actors.Tests.Downing;

/// <summary>Partition shapes over three regions (nyc1 and ams3 sites, sfo3 witness), as the reachability records gossip would carry them.</summary>
internal static class DowningScenarios
{
    public static readonly string[] Regions = ["nyc1", "ams3", "sfo3"];

    /// <summary>2 + 2 + 1. Ids sort ams3 first, so an order-only tie-break would favour ams3: the active-region tie-break is visible.</summary>
    public static readonly DowningMember[] TwoTwoOne =
        [Up("nyc1-a", "nyc1"), Up("nyc1-b", "nyc1"), Up("ams3-a", "ams3"), Up("ams3-b", "ams3"), Up("sfo3-w", "sfo3")];

    public static readonly DowningMember[] OneOneOne = [Up("nyc1-a", "nyc1"), Up("ams3-a", "ams3"), Up("sfo3-w", "sfo3")];

    public static IReadOnlyList<DowningMember> Topology(string name) => name switch
    {
        "2+2+1" => TwoTwoOne,
        "1+1+1" => OneOneOne,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static DowningMember Up(string id, string region) => new(id, region, Counted: true);

    public static IEnumerable<string> In(IReadOnlyList<DowningMember> members, string region) =>
        members.Where(m => m.Region == region).Select(m => m.Id);

    /// <summary>Every member of <paramref name="observers"/> records every member of <paramref name="subjects"/> unreachable (one direction of a link).</summary>
    public static IEnumerable<UnreachableObservation> OneWay(IReadOnlyList<DowningMember> members, string observers, string subjects) =>
        In(members, observers).SelectMany(o => In(members, subjects).Select(s => new UnreachableObservation(o, s)));

    /// <summary>The link between two regions is cut both ways and both ends recorded it.</summary>
    public static IEnumerable<UnreachableObservation> Cut(IReadOnlyList<DowningMember> members, string a, string b) =>
        OneWay(members, a, b).Concat(OneWay(members, b, a));

    /// <summary>A region cut off from every other region.</summary>
    public static IEnumerable<UnreachableObservation> Isolate(IReadOnlyList<DowningMember> members, string region) =>
        Regions.Where(r => r != region).SelectMany(r => Cut(members, region, r));

    /// <summary>One node cut off from everyone, its own region included.</summary>
    public static IEnumerable<UnreachableObservation> Lone(IReadOnlyList<DowningMember> members, string id) =>
        members.Where(m => m.Id != id).SelectMany(m => new[] { new UnreachableObservation(id, m.Id), new UnreachableObservation(m.Id, id) });

    public static IEnumerable<UnreachableObservation> Shape(IReadOnlyList<DowningMember> members, string shape)
    {
        var parts = shape.Split(' ');
        return parts[0] switch
        {
            "none" => [],
            "isolate" => Isolate(members, parts[1]),
            "cut" => Cut(members, parts[1], parts[2]),
            "oneway" => OneWay(members, parts[1], parts[2]),
            "lone" => Lone(members, parts[1]),
            "split3" => Regions.SelectMany(r => Isolate(members, r)),
            _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, null),
        };
    }

    public static DowningView View(IReadOnlyList<DowningMember> members, IEnumerable<UnreachableObservation> observations, string? active) =>
        new(members, observations.ToList(), Regions, active);
}
