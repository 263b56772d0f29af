using System.Globalization;
using Mesh.Contracts.Failover;

namespace Mesh.Node.Status;

/// <summary>The regions and failover parts of <c>health-mesh status</c>.</summary>
public static class FailoverTables
{
    /// <summary>One row per region and vantage: who votes what on whom, and why.</summary>
    public static string Regions(IReadOnlyList<RegionView> regions, Palette? palette = null)
    {
        var rows = regions.SelectMany(r => r.Verdicts.Count == 0
            ? [(IReadOnlyList<string>)[r.Name, r.Kind, r.Active ? "yes" : "", "-", "-", ""]]
            : r.Verdicts.Select(v => (IReadOnlyList<string>)[r.Name, r.Kind, r.Active ? "yes" : "", v.Vantage, v.Verdict, string.Join("; ", v.Reasons)]));
        return $"regions: {regions.Count}" + Environment.NewLine + TextTable.Render(["REGION", "KIND", "ACTIVE", "VANTAGE", "VERDICT", "REASONS"], rows, palette);
    }

    /// <summary>The failover state in a few lines, then readiness per standby region.</summary>
    public static string Failover(FailoverStatus s, Palette? palette = null)
    {
        var lines = new List<string>
        {
            $"failover: {(palette ?? Palette.None).Word(s.Phase)}, active {s.ActiveRegion}, epoch {s.Epoch.ToString(CultureInfo.InvariantCulture)}, mode {s.Mode}{(s.Paused ? ", paused" : "")}" +
            (s.CooldownUntil is { } until ? $", cooldown until {until:yyyy-MM-ddTHH:mm:ssZ}" : ""),
        };
        if (s.LastDecision is not null) lines.Add($"last decision: {s.LastDecision}");
        lines.AddRange(s.BlockedReasons.Select(r => $"blocked: {r}"));
        var rows = s.Readiness.Select(r => (IReadOnlyList<string>)
            [r.Region, r.Eligible ? "yes" : "no", r.LagBytes is { } lag ? lag.ToString(CultureInfo.InvariantCulture) : "-", string.Join("; ", r.Reasons)]);
        return string.Join(Environment.NewLine, lines) + Environment.NewLine + TextTable.Render(["STANDBY", "ELIGIBLE", "LAG", "REASONS"], rows, palette);
    }

    /// <summary>Each decision, newest first, with its steps one per row.</summary>
    public static string History(IReadOnlyList<Mesh.Node.Api.HistoryView> history)
    {
        var rows = history.OrderByDescending(h => h.Epoch).SelectMany(h => h.Steps.Count == 0
            ? [(IReadOnlyList<string>)[Epoch(h), h.Kind, $"{h.From} -> {h.To}", h.FencedBy ?? "-", "-", "", ""]]
            : h.Steps.Select(st => (IReadOnlyList<string>)[Epoch(h), h.Kind, $"{h.From} -> {h.To}", h.FencedBy ?? "-", st.Name, st.Status,
                st.DurationMs is { } ms ? (ms / 1000.0).ToString("0.000", CultureInfo.InvariantCulture) + " s" : "-"]));
        return $"history: {history.Count} decisions" + Environment.NewLine + TextTable.Render(["EPOCH", "KIND", "MOVE", "FENCED BY", "STEP", "STATUS", "TOOK"], rows);
    }

    private static string Epoch(Mesh.Node.Api.HistoryView h) => h.Epoch.ToString(CultureInfo.InvariantCulture);
}
