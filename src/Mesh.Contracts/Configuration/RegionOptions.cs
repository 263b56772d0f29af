namespace Mesh.Contracts.Configuration;

public sealed record RegionOptions
{
    public string? Name { get; init; }
    /// <summary><see cref="RegionKinds.Site"/> runs the shop's stack; <see cref="RegionKinds.Witness"/> only votes.</summary>
    public string? Kind { get; init; }
}

public static class RegionKinds
{
    public const string Site = "site";
    public const string Witness = "witness";
    public static readonly IReadOnlyList<string> All = [Site, Witness];
}
