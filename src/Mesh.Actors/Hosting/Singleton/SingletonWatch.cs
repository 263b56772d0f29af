using Akka.Cluster;

namespace Mesh.Actors.Hosting.Singleton;

/// <summary>
/// When a node should restart its singleton manager (pure). Akka.NET's manager can end up for good in its terminal
/// <c>End</c> state on a node that is still a member: an oldest node that observes another member as older (seen
/// after a cluster formed with two leaders moving members Up at once, which gave two members the same up-number)
/// hands the singleton over and never takes it back, so when that other member is later downed nobody runs it.
/// The watch restarts the manager on the node that should run the singleton once none has run anywhere for
/// <c>StuckAfter</c>: longer than any hand-over (the removal margin, then the manager's own retries).
/// </summary>
public static class SingletonWatch
{
    /// <summary>
    /// This node should host the singleton and can tell: it is Up and the oldest Up member, and it sees every member
    /// reachable (an unreachable one may still run it).
    /// </summary>
    public static bool ShouldHost(IReadOnlyCollection<Member> members, IReadOnlyCollection<Member> unreachable, UniqueAddress self)
    {
        if (unreachable.Count > 0) return false;
        var up = members.Where(m => m.Status == MemberStatus.Up).ToList();
        var me = up.FirstOrDefault(m => m.UniqueAddress.Equals(self));
        return me is not null && up.All(m => m.Equals(me) || me.IsOlderThan(m));
    }

    /// <summary>
    /// The next "missing since" and whether to restart now. <paramref name="found"/>: a singleton answered the last
    /// look, on any member. The clock starts at the first look that found none while this node should host it.
    /// </summary>
    public static (TimeSpan? MissingSince, bool Restart) Judge(bool shouldHost, bool found, TimeSpan? missingSince, TimeSpan now, TimeSpan stuckAfter)
    {
        if (!shouldHost || found) return (null, false);
        var since = missingSince ?? now;
        return now - since >= stuckAfter ? (null, true) : (since, false);
    }
}
