using System.Text.Json;
using System.Text.RegularExpressions;
using Mesh.Tests.Shared;

namespace Mesh.Node.Tests;

/// <summary>
/// deploy/prometheus and deploy/grafana: the rules parse, each alert fires on its case and not on a healthy mesh
/// (<c>promtool test rules</c>), the dashboard's queries parse, and every mesh metric they use is one the node exports.
/// </summary>
public sealed partial class AlertRuleTests
{
    private static readonly string Prometheus = RepositoryRoot.Combine("deploy", "prometheus");

    [Fact]
    public async Task The_alert_rules_pass_promtool_check()
    {
        var (code, output) = await Tool.RunAsync(Prometheus, "promtool", "check", "rules", "alerts.yml");

        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 10 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_alert_fires_on_its_case_and_none_on_a_healthy_mesh()
    {
        var (code, output) = await Tool.RunAsync(Prometheus, "promtool", "test", "rules", "alerts.test.yml");

        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task The_grafana_dashboard_queries_parse()
    {
        // promtool parses PromQL only inside rule files: each panel query becomes a recording rule of a throwaway file.
        var queries = DashboardQueries().ToList();
        var dir = Directory.CreateTempSubdirectory("mesh-grafana-").FullName;
        try
        {
            var rules = "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(queries.Select((q, i) =>
                $"      - record: dashboard_query_{i}\n        expr: {JsonSerializer.Serialize(q.Replace("[1m:]", "[1m:1m]", StringComparison.Ordinal))}\n"));
            await File.WriteAllTextAsync(Path.Combine(dir, "dashboard.yml"), rules);

            var (code, output) = await Tool.RunAsync(dir, "promtool", "check", "rules", "dashboard.yml");

            Assert.True(code == 0, output);
            Assert.Contains($"SUCCESS: {queries.Count} rules found", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Every_mesh_metric_the_rules_and_the_dashboard_use_is_declared_by_the_node()
    {
        var declared = Directory.EnumerateFiles(RepositoryRoot.Combine("src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => DeclaredName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var used = File.ReadAllText(Path.Combine(Prometheus, "alerts.yml")) + string.Join("\n", DashboardQueries());

        var missing = UsedName().Matches(used).Select(m => Regex.Replace(m.Value, "_(bucket|sum|count)$", ""))
            .Distinct().Where(n => !declared.Contains(n)).ToList();

        Assert.NotEmpty(declared);
        Assert.Empty(missing);
    }

    private static IEnumerable<string> DashboardQueries()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("deploy", "grafana", "health-mesh.json")));
        var root = doc.RootElement;
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        foreach (var target in panel.GetProperty("targets").EnumerateArray())
            yield return target.GetProperty("expr").GetString()!;
        foreach (var annotation in root.GetProperty("annotations").GetProperty("list").EnumerateArray())
            yield return annotation.GetProperty("expr").GetString()!;
    }

    [GeneratedRegex("\"(mesh_[a-z_]+)\"")]
    private static partial Regex DeclaredName();

    [GeneratedRegex("mesh_[a-z_]+")]
    private static partial Regex UsedName();
}
