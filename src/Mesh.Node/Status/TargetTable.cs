using System.Globalization;
using Mesh.Contracts.Api;

namespace Mesh.Node.Status;

/// <summary>The targets part of <c>health-mesh status</c>: one row per target and vantage region.</summary>
public static class TargetTable
{
    public static string Render(IReadOnlyList<TargetView> targets, Palette? palette = null)
    {
        var rows = targets.SelectMany(t => t.Views.Select(v => (IReadOnlyList<string>)
        [
            t.Id, t.Kind, t.Region, v.Vantage, v.Status, v.Since is { } since ? since.ToString("HH:mm:ss", CultureInfo.InvariantCulture) : "-",
            v.LatencyMs is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "-",
            v.Details.Role ?? "-", v.Details.LagBytes is { } lag ? lag.ToString(CultureInfo.InvariantCulture) : "-", v.Error ?? "",
        ]));
        return $"targets: {targets.Count}" + Environment.NewLine
            + TextTable.Render(["TARGET", "KIND", "REGION", "VANTAGE", "STATUS", "SINCE", "LATENCY", "ROLE", "LAG", "ERROR"], rows, palette);
    }
}
