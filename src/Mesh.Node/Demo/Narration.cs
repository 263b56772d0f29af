using System.Globalization;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Mesh.Node.Api;

namespace Mesh.Node.Demo;

/// <summary>
/// What changed between two polls of a drill, one line per change, in the order an operator reads a failover:
/// membership, votes, the lease, the phase, the decision, its steps, DNS. A part that did not answer in either
/// poll says nothing (a missed poll is not a change).
/// </summary>
public static class Narration
{
    public static IReadOnlyList<string> Changes(MeshSnapshot? before, MeshSnapshot now)
    {
        var lines = new List<string>();
        Members(before, now, lines);
        Votes(before, now, lines);
        Lease(before?.Status, now.Status, lines);
        Phase(before?.Status, now.Status, lines);
        Move(before?.Move, now.Move, lines);
        if (now.DnsValue is not null && before?.DnsValue is { } old && old != now.DnsValue)
            lines.Add($"dns: {LocalMeshConfig.RecordName}.{LocalMeshConfig.Domain} A {old} -> {now.DnsValue} (read back from the DigitalOcean API)");
        return lines;
    }

    private static void Members(MeshSnapshot? before, MeshSnapshot now, List<string> lines)
    {
        if (now.Cluster is not { } cluster || before?.Cluster is not { } old) return;
        foreach (var m in cluster.Members)
        {
            var was = old.Members.FirstOrDefault(o => o.Address == m.Address);
            var name = m.Node ?? m.Address;
            if (was is null) lines.Add($"cluster: {name} joined ({m.Status})");
            else if (was.Reachable != m.Reachable) lines.Add($"cluster: {name} {(m.Reachable ? "reachable again" : "unreachable")}");
            if (was is not null && was.Status != m.Status) lines.Add($"cluster: {name} {was.Status} -> {m.Status}");
        }
        foreach (var gone in old.Members.Where(o => cluster.Members.All(m => m.Address != o.Address)))
            lines.Add($"cluster: {gone.Node ?? gone.Address} removed");
        if (cluster.CoordinatorNode is { } node && old.CoordinatorNode != node)
            lines.Add($"cluster: the coordinator runs on {node}{(old.CoordinatorNode is null ? "" : $" (was {old.CoordinatorNode})")}");
    }

    private static void Votes(MeshSnapshot? before, MeshSnapshot now, List<string> lines)
    {
        if (now.Regions is not { } regions || before?.Regions is not { } old) return;
        foreach (var region in regions.Where(r => r.Kind == RegionKinds.Site))
        {
            var was = old.FirstOrDefault(r => r.Name == region.Name);
            var verdicts = Summary(region);
            if (was is null || Summary(was) == verdicts) continue;
            var reasons = region.Verdicts.Where(v => v.Verdict != Verdicts.Up).SelectMany(v => v.Reasons.Select(r => $"{v.Vantage}: {r}")).Distinct().Take(3).ToList();
            lines.Add($"votes on {region.Name}: {verdicts}{(reasons.Count > 0 ? $" ({string.Join("; ", reasons)})" : "")}");
        }
    }

    private static string Summary(RegionView region) => string.Join(" ", region.Verdicts.OrderBy(v => v.Vantage, StringComparer.Ordinal).Select(v => $"{v.Vantage}={v.Verdict}"));

    private static void Lease(FailoverStatus? before, FailoverStatus? now, List<string> lines)
    {
        if (now is null || before is null) return;
        if (before.Guarded != now.Guarded || !before.LeaseHolders.SequenceEqual(now.LeaseHolders))
            lines.Add($"lease: {now.ActiveRegion} {(now.Guarded ? "guarded" : "unguarded")}, holders [{string.Join(", ", now.LeaseHolders)}]");
    }

    private static void Phase(FailoverStatus? before, FailoverStatus? now, List<string> lines)
    {
        if (now is null || before is null) return;
        if (before.Phase != now.Phase || !before.BlockedReasons.SequenceEqual(now.BlockedReasons))
            lines.Add($"phase: {now.Phase}{(now.BlockedReasons.Count > 0 ? ": " + string.Join("; ", now.BlockedReasons) : "")}");
        if (before.ActiveRegion != now.ActiveRegion)
            lines.Add($"active region: {before.ActiveRegion} -> {now.ActiveRegion} (epoch {now.Epoch})");
    }

    private static void Move(HistoryView? before, HistoryView? now, List<string> lines)
    {
        if (now is null) return;
        if (before is null || before.Epoch != now.Epoch)
            lines.Add($"decision: epoch {now.Epoch} {now.Kind} {now.From} -> {now.To}: {now.Reason}");
        if (now.FencedBy is not null && before?.FencedBy != now.FencedBy)
            lines.Add($"fence evidence: {now.FencedBy}");
        foreach (var step in now.Steps)
        {
            var was = before?.Epoch == now.Epoch ? before.Steps.FirstOrDefault(s => s.Name == step.Name) : null;
            if (was is not null && was.Status == step.Status && was.Error == step.Error) continue;
            if (was is null && step.Status == StepStatuses.Pending) continue;
            var took = step.DurationMs is { } ms ? $" in {(ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)} s" : "";
            lines.Add($"step {step.Name}: {step.Status}{took}{(step.Error is null ? "" : $": {step.Error}")}{(step.Note is null ? "" : $" ({step.Note})")}");
        }
    }
}
