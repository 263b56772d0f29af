using System.Globalization;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;
using Xunit.Abstractions;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// How long from the whole active region (its mesh nodes and its resources) being cut off to DNS switched, with the
/// production defaults for probes (Interval 1 s, Fall 3) and the lease (Duration 15 s, RenewInterval 1 s, FenceLead
/// 5 s, DriftMargin 1 s), and where the region's guard fenced on that timeline. One run per invocation; bench/cutoff.sh
/// repeats it and prints the medians. Each run prints one line: <c>cutoff coordinator=… fenced=… decided=… promoted=… dns=…</c>.
/// </summary>
public sealed class CutOffBench(ITestOutputHelper output)
{
    [BenchFact]
    public async Task Whole_active_region_cut_off_to_dns_switched()
    {
        await using var mesh = await SafetyMesh.StartAsync(configure: o => o with
        {
            Probes = new ProbeOptions { Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromMilliseconds(500), Fall = 3, Rise = 2 },
            Failover = o.Failover with
            {
                Lease = new LeaseOptions(),
                Dns = new DnsOptions { Domain = "example.com", Records = [new DnsRecordOptions { Name = "shop" }], Values = new Dictionary<string, string> { ["nyc1"] = "192.0.2.1", ["ams3"] = "198.51.100.2" } },
            },
        });
        var witness = mesh.In("sfo3").Single();
        await TestMesh.AwaitAsync(async () => await witness.AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance) is { Guarded: true },
            TimeSpan.FromSeconds(60), "nyc1 is guarded");
        var coordinator = (await witness.CoordinatorAsync())!.Region;

        var cut = mesh.Timeline.Now;
        await mesh.IsolateAsync("nyc1");
        await TestMesh.AwaitAsync(() => Task.FromResult(mesh.Steps("switch-dns:").Count > 0), TimeSpan.FromSeconds(120), () => $"DNS is switched\n{mesh.Timeline}");

        string At(Func<SafetyEvent, bool> which) =>
            mesh.Timeline.Events.Where(which).Select(e => (e.At - cut).TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)).FirstOrDefault() ?? "-";
        output.WriteLine($"cutoff coordinator={coordinator} fenced={At(e => e.What == "fence" && e.Region == "nyc1")} decided={At(e => e.What == "fence:nyc1")} " +
                         $"promoted={At(e => e.What.StartsWith("grant-leases:", StringComparison.Ordinal))} dns={At(e => e.What.StartsWith("switch-dns:", StringComparison.Ordinal))}");
        output.WriteLine(mesh.Timeline.ToString());
    }
}
