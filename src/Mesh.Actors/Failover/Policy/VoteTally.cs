using Mesh.Contracts.Failover;
namespace Mesh.Actors.Failover.Policy;

/// <summary>One member's answer to one of the coordinator's polls: its region's votes as it computed them.</summary>
public sealed record MemberVotes(string Node, string Region, IReadOnlyList<RegionVerdict> Verdicts);

/// <summary>
/// One region, one vote (SPEC 6 rule 2): a region's members that answered the poll must agree, or the
/// region's vote is <c>unknown</c>; a region counted once however many members it has.
/// </summary>
public static class VoteTally
{
    /// <returns>For each voting region that answered: its verdict on each site region.</returns>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, RegionVerdict>> Combine(IEnumerable<MemberVotes> answers) =>
        answers.GroupBy(a => a.Region, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => (IReadOnlyDictionary<string, RegionVerdict>)g
                .SelectMany(member => member.Verdicts.Select(v => (member.Node, Verdict: v)))
                .GroupBy(x => x.Verdict.Region, StringComparer.Ordinal)
                .ToDictionary(site => site.Key, site => Agree(site.Key, site.ToList()), StringComparer.Ordinal),
            StringComparer.Ordinal);

    private static RegionVerdict Agree(string site, IReadOnlyList<(string Node, RegionVerdict Verdict)> votes)
    {
        var distinct = votes.Select(v => v.Verdict.Verdict).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 1) return votes[0].Verdict;
        var who = string.Join(", ", votes.OrderBy(v => v.Node, StringComparer.Ordinal).Select(v => $"{v.Node} says {v.Verdict.Verdict}"));
        return new RegionVerdict(site, Verdicts.Unknown, [$"the region's members disagree: {who}"]);
    }
}
