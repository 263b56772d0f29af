namespace Mesh.Contracts.Failover;

/// <summary>A region's vote on a site region (SPEC 6 rule 2), as the API spells it.</summary>
public static class Verdicts
{
    public const string Up = "up";
    public const string Down = "down";
    public const string Unknown = "unknown";
}

/// <summary>One vote on one site region, with its reasons in words.</summary>
public sealed record RegionVerdict(string Region, string Verdict, IReadOnlyList<string> Reasons);
