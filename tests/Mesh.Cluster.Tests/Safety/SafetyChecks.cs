using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>What the partition scenarios ask of a <see cref="SafetyMesh"/>, and what they print when a claim fails.</summary>
internal static class SafetyChecks
{
    /// <summary>
    /// How long a scenario that claims "nothing happens" watches, from the moment the cluster settled (the far side
    /// downed): longer than a lease that stopped being renewed takes to be fenced (Duration 6 s), plus the
    /// coordinator's count of it (DriftMargin 0.5 s), plus what the coordinator needs to notice anything (failure
    /// detection 2.5 s, StableAfter 2 s, a few poll rounds of 200 ms). Anything that was going to happen has by then.
    /// </summary>
    public static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(15);

    public static bool Running(TestNode node) => !node.System.WhenTerminated.IsCompleted;

    /// <summary>Asks the coordinator through any running node of <paramref name="through"/> (default: every node), until one answers.</summary>
    public static async Task<T> AskAsync<T>(SafetyMesh mesh, object message, IEnumerable<TestNode>? through = null) where T : class
    {
        T? answer = null;
        await TestMesh.AwaitAsync(async () =>
        {
            foreach (var node in (through ?? mesh.Nodes).Where(Running))
                if ((answer = await node.AskCoordinatorAsync<T>(message)) is not null) return true;
            return false;
        }, TimeSpan.FromSeconds(90), () => $"a coordinator answers {message.GetType().Name}\n{Members(mesh)}\n{mesh.Timeline}");
        return answer!;
    }

    /// <summary>What each node still running sees of the cluster: for a failure's message.</summary>
    private static string Members(SafetyMesh mesh) =>
        string.Join("\n", mesh.Nodes.Select(n => Running(n)
            ? $"{n.Name}: leader {n.Cluster.State.Leader}; " + string.Join(", ", n.Cluster.State.Members.Select(m => $"{m.Address.Port} {m.Status}"))
              + $"; unreachable {string.Join(", ", n.Cluster.State.Unreachable.Select(m => m.Address.Port))}"
            : $"{n.Name}: not running")) + "\n" + string.Join("\n", mesh.Nodes.Where(Running).Select(n => n.Trail));

    public static Task<FailoverStatus> StatusAsync(SafetyMesh mesh) => AskAsync<FailoverStatus>(mesh, GetFailoverStatus.Instance);

    public static async Task<IReadOnlyList<HistoryRecord>> HistoryAsync(SafetyMesh mesh) =>
        (await AskAsync<FailoverHistory>(mesh, GetFailoverHistory.Instance)).Entries;

    /// <summary>Waits until the coordinator shows nyc1 guarded by a lease holder, and returns that status.</summary>
    public static async Task<FailoverStatus> AwaitGuardedAsync(SafetyMesh mesh, TimeSpan? timeout = null)
    {
        FailoverStatus? status = null;
        await TestMesh.AwaitAsync(async () => (status = await StatusAsync(mesh)) is { Guarded: true, ActiveRegion: "nyc1" },
            timeout ?? TimeSpan.FromSeconds(60), () => $"the coordinator shows nyc1 guarded; last status: {Describe(status)}\n{mesh.Timeline}");
        return status!;
    }

    /// <summary>The failovers and switchovers of the history, oldest first.</summary>
    public static IReadOnlyList<HistoryRecord> Moves(IEnumerable<HistoryRecord> history) =>
        history.Where(h => h.Kind is DecisionKinds.Failover or DecisionKinds.Switchover).OrderBy(h => h.Epoch).ToList();

    /// <summary>
    /// The region's self-fence does not last: no guard fenced it, or after the last guard fence the coordinator's
    /// unfence step for it ran (a recorded unfence decision).
    /// </summary>
    public static bool NoLastingFence(SafetyMesh mesh, string region)
    {
        var last = mesh.Fences(region).MaxBy(e => e.At);
        return last is null || mesh.Steps(PlanSteps.Name(PlanSteps.Unfence, region)).Any(s => s.At > last.At);
    }

    /// <summary>The timeline, the history and the last status, for a failure message.</summary>
    public static string Describe(SafetyMesh mesh, IEnumerable<HistoryRecord>? history = null, FailoverStatus? status = null) =>
        $"timeline (s, node, what, region, epoch):\n{mesh.Timeline}\nhistory:\n" +
        string.Join("\n", (history ?? []).OrderBy(h => h.Epoch).Select(h => $"  epoch {h.Epoch.Counter} {h.Kind} {h.From} -> {h.To} fencedBy {h.FencedBy ?? "-"}: {h.Reason}")) +
        $"\nstatus: {Describe(status)}";

    private static string Describe(FailoverStatus? s) =>
        s is null ? "none" : $"active {s.ActiveRegion} epoch {s.Epoch} phase {s.Phase} guarded {s.Guarded} holders [{string.Join(", ", s.LeaseHolders)}] blocked [{string.Join("; ", s.BlockedReasons)}]";
}
