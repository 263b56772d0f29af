using System.Text.RegularExpressions;
using Mesh.Node.Cli;

namespace Mesh.Integration.Tests.Demo;

/// <summary>
/// <c>health-mesh demo</c> (what <c>./demo.sh</c> runs) end to end, in this process: the real servers, the stand-in
/// and three node processes; the whole active region is killed and the demo must narrate a completed failover,
/// find the shop working in ams3, leave no server behind and print no secret.
/// </summary>
public sealed partial class DemoTests : IDisposable
{
    private readonly string _workDir = Path.Combine(Path.GetTempPath(), "mesh-demo-tests", Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task The_demo_kills_the_active_region_narrates_the_failover_checks_the_shop_and_cleans_up()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await HealthMeshCli.RunAsync(["demo", "--workdir", _workDir], stdout, stderr);

        var output = stdout.ToString();
        Assert.True(code == 0, $"exit {code}\n{stderr}\n{output}");
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();
        // The narration, in the order it happened: the coordinator, which died with nyc1, moves; the decision; then the
        // DNS switch and completion (one 100 ms poll may see both, and the phases between them, at once).
        int Index(string fragment) => lines.FindIndex(l => l.Contains(fragment, StringComparison.Ordinal));
        var ordered = new[]
        {
            "== 3. The whole active region nyc1 dies", "cluster: the coordinator runs on", "decision: epoch 1 failover nyc1 -> ams3", "== 4. Failed over to ams3",
        }.Select(f => (f, Index(f))).ToList();
        Assert.All(ordered, o => Assert.True(o.Item2 >= 0, $"'{o.f}' is missing:\n{output}"));
        Assert.True(ordered.Select(o => o.Item2).SequenceEqual(ordered.Select(o => o.Item2).Order()), $"out of order:\n{output}");
        foreach (var last in new[] { "dns: www.shop.test A 192.0.2.10 -> 198.51.100.20", "phase: completed" })
            Assert.InRange(Index(last), Index("decision: epoch 1 failover nyc1 -> ams3") + 1, Index("== 4. Failed over to ams3") - 1);
        Assert.Contains(lines, l => l.Contains("fence evidence: power-off", StringComparison.Ordinal));
        foreach (var step in new[] { "fence:nyc1", "grant-leases:ams3", "promote-postgres:pg-ams3", "promote-redis:redis-ams3", "switch-dns:www" })
            Assert.Contains(lines, l => l.Contains($"step {step}: ok", StringComparison.Ordinal));
        // The shop checks after the failover: four, all passed.
        Assert.Equal(4, lines.Count(l => l.TrimStart().StartsWith("ok    ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("FAIL", StringComparison.Ordinal));
        // Cleaned up: the servers' folders are gone (their servers stopped first); the logs stay.
        Assert.False(Directory.Exists(Path.Combine(_workDir, "servers")), "the servers' folder is left behind");
        Assert.True(File.Exists(Path.Combine(_workDir, "ams3-a.log")));
        // No secret: the generated passwords and tokens have recognisable shapes.
        Assert.DoesNotMatch(Secrets(), output + stderr);
    }

    [GeneratedRegex(@"pg-[0-9a-f]{16}|redis-[0-9a-f]{16}|dop_v1_demo|\b[0-9A-F]{32}\b")]
    private static partial Regex Secrets();

    public void Dispose()
    {
        if (Directory.Exists(_workDir)) Directory.Delete(_workDir, recursive: true);
    }
}
