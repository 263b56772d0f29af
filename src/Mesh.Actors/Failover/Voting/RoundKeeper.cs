using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Voting;

/// <summary>A cluster member as the coordinator sees it: Up and reachable, with its node name, region and address.</summary>
public sealed record ReachableMember(string Node, string Region, string? Address = null);

/// <summary>
/// The coordinator's bookkeeping of its polls (SPEC 6 rule 2): each poll carries a nonce, an answer counts
/// only when it answers a nonce this coordinator issued within ObservationMaxAge and comes from a member
/// that is Up and reachable when the round closes; rounds are kept for the confirmation window. A poll's
/// round closes as soon as every member it was sent to has answered it (a round need not wait out the Interval
/// for nothing), or else when the next poll is due.
/// </summary>
public sealed class RoundKeeper(TimeSpan observationMaxAge, TimeSpan retain)
{
    private readonly Dictionary<long, TimeSpan> _issued = new();
    private readonly Dictionary<string, (VotesAnswer Answer, TimeSpan IssuedAt)> _latest = new(StringComparer.Ordinal);
    private readonly List<PollRound> _rounds = [];
    private readonly HashSet<string> _awaiting = new(StringComparer.Ordinal);
    private long _nonce;
    private long _open;

    public IReadOnlyList<PollRound> Rounds => _rounds;

    /// <summary>Whether the latest poll's round has not been closed yet.</summary>
    public bool Open => _open != 0;

    /// <summary>Whether every member the open poll went to has answered it: its round can close now.</summary>
    public bool AllAnswered => Open && _awaiting.Count == 0;

    /// <summary>A new poll, sent to <paramref name="polled"/>; its round is open until it closes.</summary>
    public long Issue(TimeSpan now, IReadOnlyCollection<ReachableMember> polled)
    {
        _issued[++_nonce] = now;
        _open = _nonce;
        _awaiting.Clear();
        _awaiting.UnionWith(polled.Select(m => m.Node));
        return _nonce;
    }

    /// <summary>Keeps the answer when it answers a recent poll of ours; says whether it counted.</summary>
    public bool Accept(VotesAnswer answer, TimeSpan now)
    {
        if (!_issued.TryGetValue(answer.Nonce, out var issuedAt) || now - issuedAt > observationMaxAge) return false;
        if (_latest.TryGetValue(answer.Node, out var kept) && kept.IssuedAt > issuedAt) return false;   // an older poll's late answer
        _latest[answer.Node] = (answer, issuedAt);
        if (answer.Nonce == _open) _awaiting.Remove(answer.Node);
        return true;
    }

    public PollRound Close(TimeSpan now, DateTimeOffset wallNow, IReadOnlyCollection<ReachableMember> reachable)
    {
        var members = reachable.ToDictionary(m => m.Node, m => m.Region, StringComparer.Ordinal);
        var answers = _latest.Values
            .Where(k => now - k.IssuedAt <= observationMaxAge && members.TryGetValue(k.Answer.Node, out var region) && region == k.Answer.Region)
            .Select(k => new MemberVotes(k.Answer.Node, k.Answer.Region, k.Answer.Verdicts))
            .OrderBy(m => m.Node, StringComparer.Ordinal)
            .ToList();
        // A round is dated by its poll: rounds are then exactly the poll timer's ticks apart, whenever their answers came.
        var at = _issued.GetValueOrDefault(_open, now);
        var round = new PollRound(at, wallNow - (now - at), answers, members.Values.ToHashSet(StringComparer.Ordinal));
        _open = 0;
        _rounds.Add(round);
        _rounds.RemoveAll(r => now - r.At > retain);
        foreach (var old in _issued.Where(i => now - i.Value > observationMaxAge).Select(i => i.Key).ToList()) _issued.Remove(old);
        return round;
    }
}
