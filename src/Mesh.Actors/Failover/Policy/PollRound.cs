using Mesh.Contracts.Failover;
namespace Mesh.Actors.Failover.Policy;

/// <summary>
/// One poll round as the coordinator saw it: the answers to its own poll (from reachable Up members,
/// within ObservationMaxAge of the poll) and which regions it reaches Up members of.
/// </summary>
/// <param name="At">When the round was taken, on the coordinator's monotonic clock: the only time decisions compare.</param>
/// <param name="TakenAt">The same moment on the coordinator's wall clock, for the history only.</param>
public sealed record PollRound(TimeSpan At, DateTimeOffset TakenAt, IReadOnlyList<MemberVotes> Answers, IReadOnlySet<string> ReachableRegions)
{
    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, RegionVerdict>>? _votes;

    /// <summary>Voting region -> site region -> that region's one vote.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, RegionVerdict>> Votes => _votes ??= VoteTally.Combine(Answers);

    /// <summary>The regions whose vote on <paramref name="site"/> is <paramref name="verdict"/>, in name order.</summary>
    public IReadOnlyList<string> Voting(string site, string verdict) =>
        Votes.Where(kv => kv.Value.TryGetValue(site, out var v) && v.Verdict == verdict).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
}
