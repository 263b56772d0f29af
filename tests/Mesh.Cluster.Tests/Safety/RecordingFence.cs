using System.Collections.Concurrent;
using Mesh.Actors.Fencing;
using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// A region's primaries as the guards of one test mesh see them: every fence is recorded with its node, region,
/// epoch and the moment it happened on the shared timeline. Readiness is always good (no server to check).
/// </summary>
internal sealed class RecordingFence(string node, SafetyTimeline timeline, World? world = null) : IRegionFence
{
    public Task<RegionFenceReport> FenceAsync(string region, Epoch epoch, CancellationToken cancellationToken)
    {
        timeline.Add(new SafetyEvent(timeline.Now, node, "fence", region, epoch.Counter));
        timeline.Primaries.Fence(region, epoch);
        world?.Fenced(region, epoch);
        return Task.FromResult(new RegionFenceReport(true, false, [$"{region}'s primaries fenced by {node}"]));
    }

    public Task<FenceReadiness> CheckReadinessAsync(string region, CancellationToken cancellationToken) =>
        Task.FromResult(new FenceReadiness(true, $"{node} reaches {region}'s primaries (test)", timeline.Primaries.FencedUnder(region)));
}

/// <summary>Whether each region's primary is fenced, and under which epoch: what a guard's readiness check reads back.</summary>
internal sealed class Primaries
{
    private readonly ConcurrentDictionary<string, Epoch> _fenced = new(StringComparer.Ordinal);

    public void Fence(string region, Epoch epoch) => _fenced.AddOrUpdate(region, epoch, (_, old) => old > epoch ? old : epoch);

    public void Unfence(string region) => _fenced.TryRemove(region, out _);

    public Epoch? FencedUnder(string region) => _fenced.TryGetValue(region, out var e) ? e : null;
}

/// <summary>One thing that happened to the resources, in the order it happened across the whole test mesh.</summary>
internal sealed record SafetyEvent(TimeSpan At, string Node, string What, string Region, long Epoch);

/// <summary>The ordered record of fences and plan steps of every node of one test mesh.</summary>
internal sealed class SafetyTimeline
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly ConcurrentQueue<SafetyEvent> _events = new();

    /// <summary>The regions' primaries, fenced by guards and unfenced by the plan's unfence step.</summary>
    public Primaries Primaries { get; } = new();

    public TimeSpan Now => _clock.Elapsed;

    public void Add(SafetyEvent e) => _events.Enqueue(e);

    public IReadOnlyList<SafetyEvent> Events => _events.ToList();

    public override string ToString() => string.Join("\n", Events.Select(e => $"{e.At.TotalSeconds,7:0.000} {e.Node} {e.What} {e.Region} epoch {e.Epoch}"));
}
