namespace Mesh.Actors.Hosting.Downing;

/// <summary>
/// SPEC 6 rule 12 as a pure function: keep the largest set of mutually reachable members that spans a
/// majority of the configured regions, preferring the set that holds the active region; down the rest.
/// </summary>
/// <remarks>
/// <para><b>Why the shared view.</b> Every side of a partition runs this on its own copy of the gossiped
/// reachability records, never on "whom do I reach". Two members are <i>connected</i> unless some record
/// says either cannot reach the other, so the graph is symmetric: a cut link shows up the same whether
/// one side, the other, or both recorded it. After <c>StableAfter</c> without change the records have
/// crossed every remaining path, so the sides hold the same graph and pick the same set; the winners
/// down the losers and the losers down themselves, and both halves of that agree.</para>
/// <para><b>One-way loss.</b> If a hears nothing from b while b still hears a, only a records b
/// unreachable. By the symmetric rule the pair is simply broken, exactly like a cut in both directions:
/// a member that cannot hear another cannot take part in a set whose members must gossip with each other
/// (the cluster never converges while that record stands). A one-way loss on a whole inter-region link is
/// therefore decided like a cut of that link.</para>
/// <para><b>Indirectly connected members.</b> Akka's stock resolver downs every member that both observes
/// and is observed unreachable, so one broken link between two regions downs both ends and keeps only the
/// third region. Here such a member is an ordinary vertex: it stays when it belongs to the chosen set,
/// and it is downed otherwise. The survivors are still all mutually reachable (the chosen set is a clique),
/// which is what the stock rule protects: once the others are down, the survivors' gossip converges.
/// With a link nyc1-ams3 cut in 2+2+1, {nyc1, sfo3} and {ams3, sfo3} both span two regions and have three
/// members; the active region breaks the tie, so only ams3 is downed and sfo3, indirectly connected,
/// stays.</para>
/// <para><b>Order of preference.</b> Among the maximal mutually reachable sets of counted (Up or Leaving)
/// members that span a majority (more than half) of the configured regions: (1) holds a member of the
/// active region (no set does when the active region is unknown); (2) more members; (3) the set whose ids,
/// sorted ordinally, come first lexicographically. The active region comes before size because the rule
/// promises that a healthy active region stays writable when any one link fails: with a standby site of
/// more nodes than the active one, size first would keep the standby side on a cut between the two.</para>
/// <para><b>No such set.</b> When no set spans a majority of regions (three-way split, or two configured
/// regions cut apart) every member is downed, as keep-majority does without a majority: no side may
/// decide, and a restarted node stays Joining until a majority of expected nodes can meet again.</para>
/// <para><b>Joining and WeaklyUp members</b> may be known on one side only, so they never choose the set;
/// one stays if it is connected to every kept member, else it is downed.</para>
/// </remarks>
public static class RegionAwareDowning
{
    public static DowningDecision Decide(DowningView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var members = view.Members.DistinctBy(m => m.Id).OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
        var ids = members.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);

        // Records by or about members that are already down or gone say nothing about who may stay.
        var broken = view.Observations
            .Where(o => o.Observer != o.Subject && ids.Contains(o.Observer) && ids.Contains(o.Subject))
            .Select(o => Pair(o.Observer, o.Subject))
            .ToHashSet();
        if (broken.Count == 0)
            return new DowningDecision(members.Select(m => m.Id).ToList(), [], null, "every member reaches every other");

        bool Connected(string a, string b) => !broken.Contains(Pair(a, b));

        var regions = view.Regions.Distinct(StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var majority = regions.Count / 2 + 1;
        var counted = members.Where(m => m.Counted).ToList();

        var best = MaximalCliques(counted, Connected)
            .Where(set => Span(set, regions) >= majority)
            .OrderByDescending(set => view.ActiveRegion is { } active && set.Any(m => m.Region == active))
            .ThenByDescending(set => set.Count)
            .ThenBy(set => set.Select(m => m.Id).ToList(), IdListOrder.Instance)
            .FirstOrDefault();

        if (best is null)
            return new DowningDecision([], members.Select(m => m.Id).ToList(), null,
                $"no mutually reachable set of members spans a majority ({majority} of {regions.Count}) of regions: every member is downed");

        var keep = best.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var joiner in members.Where(m => !m.Counted && best.All(k => Connected(m.Id, k.Id))))
            keep.Add(joiner.Id);

        var kept = members.Where(m => keep.Contains(m.Id)).Select(m => m.Id).ToList();
        var down = members.Where(m => !keep.Contains(m.Id)).Select(m => m.Id).ToList();
        var keptRegions = string.Join(", ", best.Select(m => m.Region).Where(r => r is not null).Distinct().Order(StringComparer.Ordinal));
        return new DowningDecision(kept, down, best[0].Id,
            $"keeping {best.Count} mutually reachable members in regions {keptRegions} (active region: {view.ActiveRegion ?? "unknown"})");
    }

    /// <summary>What <paramref name="selfId"/> does with <paramref name="decision"/>: one kept member downs the others, each downed member downs itself.</summary>
    public static LocalDowningAction LocalAction(DowningDecision decision, string selfId)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.DownsNothing) return LocalDowningAction.None;
        if (decision.Down.Contains(selfId, StringComparer.Ordinal)) return LocalDowningAction.DownSelf;
        return decision.Actor == selfId ? LocalDowningAction.DownOthers : LocalDowningAction.Wait;
    }

    private static int Span(IReadOnlyList<DowningMember> set, HashSet<string> regions) =>
        set.Select(m => m.Region).Where(r => r is not null && regions.Contains(r)).Distinct().Count();

    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);

    /// <summary>
    /// Bron–Kerbosch with pivoting. A mesh has a handful of members and few broken pairs, so the number of
    /// maximal cliques stays tiny; each result lists its members in the input's (ordinal) order.
    /// </summary>
    private static List<IReadOnlyList<DowningMember>> MaximalCliques(IReadOnlyList<DowningMember> members, Func<string, string, bool> connected)
    {
        var result = new List<IReadOnlyList<DowningMember>>();
        if (members.Count == 0) return result;
        var neighbours = members.Select((m, i) => Enumerable.Range(0, members.Count)
            .Where(j => j != i && connected(m.Id, members[j].Id)).ToHashSet()).ToArray();

        void Extend(List<int> clique, HashSet<int> candidates, HashSet<int> excluded)
        {
            if (candidates.Count == 0 && excluded.Count == 0)
            {
                result.Add(clique.Order().Select(i => members[i]).ToList());
                return;
            }
            var pivot = candidates.Concat(excluded).MaxBy(u => neighbours[u].Count(candidates.Contains));
            foreach (var v in candidates.Where(v => !neighbours[pivot].Contains(v)).Order().ToList())
            {
                Extend([.. clique, v], [.. candidates.Where(neighbours[v].Contains)], [.. excluded.Where(neighbours[v].Contains)]);
                candidates.Remove(v);
                excluded.Add(v);
            }
        }

        Extend([], [.. Enumerable.Range(0, members.Count)], []);
        return result;
    }

    private sealed class IdListOrder : IComparer<List<string>>
    {
        public static readonly IdListOrder Instance = new();

        public int Compare(List<string>? x, List<string>? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
                if (string.CompareOrdinal(x[i], y[i]) is var c and not 0) return c;
            return x.Count.CompareTo(y.Count);
        }
    }
}
