using System.Globalization;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;

namespace Mesh.Node.Demo;

/// <summary>
/// One failover as the mesh carried it out, timed from the crash. All instants are wall-clock times of this
/// machine, which the nodes share, so the coordinator's <c>at</c> fields and this process's clock compare.
/// </summary>
/// <param name="KilledAt">Just after the SIGKILL of the primary's postmaster.</param>
/// <param name="DetectedAt">The coordinator's first poll round in which Quorum regions voted the old region down; null when no poll of <c>/api/v1/regions</c> caught it.</param>
/// <param name="DnsSeenAt">The first poll that read the new value back from DigitalOcean.</param>
/// <param name="Entry">The failover's entry in <c>/api/v1/failover/history</c>, completed.</param>
/// <param name="Status"><c>/api/v1/failover</c> once it completed.</param>
/// <param name="Trace">What the polls saw change (votes, phase and reasons), timed from the kill: how it got there.</param>
public sealed record FailoverTimeline(DateTimeOffset KilledAt, DateTimeOffset? DetectedAt, DateTimeOffset DnsSeenAt, HistoryView Entry, FailoverStatus Status,
    IReadOnlyList<string> Trace)
{
    public TimeSpan? Detection => DetectedAt - KilledAt;

    /// <summary>Until the decision was stored (the history entry's <c>at</c>).</summary>
    public TimeSpan Decision => Entry.At - KilledAt;

    public TimeSpan Fence => Steps(PlanSteps.Fence);
    public TimeSpan PromotePostgres => Steps(PlanSteps.PromotePostgres);
    public TimeSpan PromoteRedis => Steps(PlanSteps.PromoteRedis);
    public TimeSpan Dns => Steps(PlanSteps.SwitchDns);

    /// <summary>Until the last step (the DNS switch, with its read-back through the API) ended.</summary>
    public TimeSpan Total => Entry.Steps.Max(s => s.At!.Value + TimeSpan.FromMilliseconds(s.DurationMs ?? 0)) - KilledAt;

    /// <summary>From the decision to the end, what the steps themselves did not take: the majority writes of the state around each step.</summary>
    public TimeSpan BetweenSteps => Total - Decision - TimeSpan.FromMilliseconds(Entry.Steps.Sum(s => s.DurationMs ?? 0));

    private TimeSpan Steps(string kind) =>
        TimeSpan.FromMilliseconds(Entry.Steps.Where(s => PlanSteps.Parse(s.Name).Kind == kind).Sum(s => s.DurationMs ?? 0));

    /// <summary>The phases in seconds, in the order they happen.</summary>
    public IReadOnlyList<(string Name, double? Seconds)> Parts =>
    [
        ("detection", Detection?.TotalSeconds), ("decision", Decision.TotalSeconds), ("fence", Fence.TotalSeconds),
        ("promote-pg", PromotePostgres.TotalSeconds), ("promote-redis", PromoteRedis.TotalSeconds), ("dns", Dns.TotalSeconds),
        ("between-steps", BetweenSteps.TotalSeconds), ("total", Total.TotalSeconds),
    ];

    public override string ToString() =>
        $"epoch {Entry.Epoch} {Entry.From} -> {Entry.To} (fenced by {Entry.FencedBy}): " +
        string.Join(", ", Parts.Select(p => $"{p.Name} {(p.Seconds is { } s ? s.ToString("0.000", CultureInfo.InvariantCulture) + " s" : "n/a")}"));
}
