using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Policy;

/// <summary>
/// The plan of a move (SPEC 6 rule 6) and where it stands. Steps run in this order and only in it: a
/// step that has not succeeded is the next step, however often it failed, so a plan never skips ahead
/// (above all, never to DNS before the fence and the promotions).
/// </summary>
public static class PlanSteps
{
    public const string Fence = "fence";
    public const string GrantLeases = "grant-leases";
    public const string PromotePostgres = "promote-postgres";
    public const string PromoteRedis = "promote-redis";
    public const string SwitchDns = "switch-dns";
    /// <summary>The one step of an aborted switchover: lift the fence of the region that stays active (rule 7).</summary>
    public const string Unfence = "unfence";

    /// <summary>The steps of a move from <paramref name="from"/> to <paramref name="to"/>: fence, leases, every group's member in <paramref name="to"/>, every DNS record.</summary>
    public static IReadOnlyList<string> For(MeshOptions options, string from, string to)
    {
        var steps = new List<string> { Name(Fence, from), Name(GrantLeases, to) };
        var members = options.Targets.Where(t => t.Region == to && t.Group is not null).OrderBy(t => t.Group, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal).ToList();
        steps.AddRange(members.Where(t => t.Kind == TargetKinds.Postgres).Select(t => Name(PromotePostgres, t.Id!)));
        steps.AddRange(members.Where(t => t.Kind == TargetKinds.Redis).Select(t => Name(PromoteRedis, t.Id!)));
        steps.AddRange((options.Failover.Dns?.Records ?? []).Select(r => Name(SwitchDns, r.Name!)));
        return steps;
    }

    /// <summary>The steps that lift the fence of <paramref name="region"/> after an aborted switchover.</summary>
    public static IReadOnlyList<string> ForUnfence(string region) => [Name(Unfence, region)];

    public static IReadOnlyList<StepRecord> Pending(IReadOnlyList<string> steps) =>
        steps.Select(s => new StepRecord(s, StepStatuses.Pending, null, null, null)).ToList();

    public static string Name(string kind, string subject) => $"{kind}:{subject}";

    public static (string Kind, string Subject) Parse(string step)
    {
        var colon = step.IndexOf(':', StringComparison.Ordinal);
        return (step[..colon], step[(colon + 1)..]);
    }

    /// <summary>The first step that has not succeeded, or null when the plan is done.</summary>
    public static StepRecord? Next(Move move) => move.Steps.FirstOrDefault(s => s.Status != StepStatuses.Ok);

    /// <summary>Whether a PostgreSQL promotion may have begun: past it, the move only goes forward (pg_promote is the point of no return).</summary>
    public static bool PastPointOfNoReturn(Move move) =>
        move.Steps.Any(s => s.Name.StartsWith(PromotePostgres + ":", StringComparison.Ordinal) && s.Status != StepStatuses.Pending);

    /// <summary>
    /// The phase a move is in, from its steps: fencing until the old region is fenced; then promoting (from
    /// here on the new region is the active one for every rule, so its guards may be granted leases); then DNS.
    /// Lifting the fence after an aborted switchover is <c>blocked</c>: the active region takes no writes until it is done.
    /// </summary>
    public static string PhaseOf(Move move)
    {
        var next = Next(move);
        if (next is null) return Phases.Completed;
        return Parse(next.Name).Kind switch
        {
            Fence => Phases.Fencing,
            GrantLeases or PromotePostgres or PromoteRedis => Phases.Promoting,
            Unfence => Phases.Blocked,
            _ => Phases.SwitchingDns,
        };
    }

    /// <summary>The move with one step's outcome recorded.</summary>
    public static Move Record(Move move, StepRecord outcome) =>
        move with { Steps = move.Steps.Select(s => s.Name == outcome.Name ? outcome : s).ToList() };
}
