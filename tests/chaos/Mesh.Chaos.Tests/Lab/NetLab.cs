using System.Globalization;
using Mesh.Tests.Shared;

namespace Mesh.Chaos.Tests.Lab;

/// <summary>
/// Regions as Linux network namespaces on this machine. Every region namespace has two links:
/// <list type="bullet">
/// <item>its <em>region link</em> (<c>eth0</c>, 10.77.0.x/24) to a bridge inside a core namespace: the only path
/// between regions, where faults are made (link down, iptables DROP both ways or one way);</item>
/// <item>its <em>observer link</em> (<c>obs0</c>, 10.78.n.2/30) to this process's namespace, which faults never
/// touch: the harness watches every server through it, and the DigitalOcean stand-in answers on it (so a cut-off
/// region still reaches "DigitalOcean", the harder case for safety).</item>
/// </list>
/// Delay is made in user space (<c>nfq-delay.py</c> behind an iptables NFQUEUE rule): this machine's kernel has no
/// <c>sch_netem</c>, so <c>tc netem</c> cannot.
/// Names carry a prefix; <see cref="SweepAsync"/> removes whatever a crashed run left behind.
/// </summary>
internal sealed class NetLab : IAsyncDisposable
{
    public const string Prefix = "hmc";
    private const string Core = Prefix + "-core";
    private readonly List<string> _regions;
    private readonly List<string> _addressOrder;
    private readonly string _logDir;
    private readonly Dictionary<(string From, string To), LabProcess> _delays = [];

    private NetLab(IReadOnlyList<string> regions, string lowestAddress, string logDir)
    {
        _regions = [.. regions];
        _addressOrder = [lowestAddress, .. regions.Where(r => r != lowestAddress)];
        _logDir = logDir;
    }

    public IReadOnlyList<string> Regions => _regions;

    public static string Namespace(string region) => $"{Prefix}-{region}";

    /// <summary>
    /// The region's address on the region link: what other regions reach. The lowest goes to the region named at
    /// creation: members that become Up together are aged by address, so its first node hosts the coordinator.
    /// </summary>
    public string RegionIp(string region) => $"10.77.0.{11 + _addressOrder.IndexOf(region)}";

    /// <summary>The region's address on its observer link: what the harness reaches.</summary>
    public string ObservedIp(string region) => $"10.78.{Index(region) + 1}.2";

    /// <summary>This process's address on the region's observer link (where the stand-in listens for that region).</summary>
    public string ObserverIp(string region) => $"10.78.{Index(region) + 1}.1";

    private int Index(string region) => _regions.IndexOf(region) is var i and >= 0 ? i : throw new ArgumentException($"no region {region}");

    /// <param name="lowestAddress">The region whose region link gets the lowest address (see <see cref="RegionIp"/>).</param>
    /// <param name="logDir">Where helper processes (the delays) write their logs.</param>
    public static async Task<NetLab> CreateAsync(IReadOnlyList<string> regions, string lowestAddress, string logDir)
    {
        await SweepAsync();
        var lab = new NetLab(regions, regions.Contains(lowestAddress) ? lowestAddress : throw new ArgumentException($"no region {lowestAddress}"), logDir);
        try
        {
            await Sh.RunAsync("ip", "netns", "add", Core);
            await Sh.InAsync(Core, "ip", "link", "set", "lo", "up");
            await Sh.InAsync(Core, "ip", "link", "add", "br0", "type", "bridge");
            await Sh.InAsync(Core, "ip", "link", "set", "br0", "up");
            foreach (var region in regions) await lab.AddRegionAsync(region);
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
        return lab;
    }

    private async Task AddRegionAsync(string region)
    {
        var ns = Namespace(region);
        var n = (Index(region) + 1).ToString(CultureInfo.InvariantCulture);
        await Sh.RunAsync("ip", "netns", "add", ns);
        await Sh.InAsync(ns, "ip", "link", "set", "lo", "up");
        // Region link: eth0 in the region, its peer on the core bridge.
        await Sh.RunAsync("ip", "link", "add", $"{Prefix}r{n}", "type", "veth", "peer", "name", $"{Prefix}e{n}");
        await Sh.RunAsync("ip", "link", "set", $"{Prefix}r{n}", "netns", Core);
        await Sh.RunAsync("ip", "link", "set", $"{Prefix}e{n}", "netns", ns);
        await Sh.InAsync(ns, "ip", "link", "set", $"{Prefix}e{n}", "name", "eth0");
        await Sh.InAsync(ns, "ip", "addr", "add", $"{RegionIp(region)}/24", "dev", "eth0");
        await Sh.InAsync(ns, "ip", "link", "set", "eth0", "up");
        await Sh.InAsync(Core, "ip", "link", "set", $"{Prefix}r{n}", "master", "br0");
        await Sh.InAsync(Core, "ip", "link", "set", $"{Prefix}r{n}", "up");
        // Observer link: obs0 in the region, its peer here.
        await Sh.RunAsync("ip", "link", "add", $"{Prefix}o{n}", "type", "veth", "peer", "name", $"{Prefix}p{n}");
        await Sh.RunAsync("ip", "link", "set", $"{Prefix}p{n}", "netns", ns);
        await Sh.InAsync(ns, "ip", "link", "set", $"{Prefix}p{n}", "name", "obs0");
        await Sh.InAsync(ns, "ip", "addr", "add", $"{ObservedIp(region)}/30", "dev", "obs0");
        await Sh.InAsync(ns, "ip", "link", "set", "obs0", "up");
        await Sh.RunAsync("ip", "addr", "add", $"{ObserverIp(region)}/30", "dev", $"{Prefix}o{n}");
        await Sh.RunAsync("ip", "link", "set", $"{Prefix}o{n}", "up");
    }

    /// <summary>The region's link to every other region goes down (its own observer link stays up).</summary>
    public Task IsolateAsync(string region) => Sh.InAsync(Namespace(region), "ip", "link", "set", "eth0", "down");

    public Task RejoinAsync(string region) => Sh.InAsync(Namespace(region), "ip", "link", "set", "eth0", "up");

    /// <summary>
    /// Drops traffic from <paramref name="from"/> to <paramref name="to"/> on the region link (one way: replies to
    /// <paramref name="to"/>'s own packets still get through, TCP handshakes from <paramref name="from"/> do not).
    /// <paramref name="ports"/> limits it to those destination or source ports (say, the databases' only).
    /// </summary>
    public async Task DropAsync(string from, string to, params int[] ports)
    {
        if (ports.Length == 0)
        {
            await Sh.InAsync(Namespace(from), "iptables", "-A", "OUTPUT", "-o", "eth0", "-d", RegionIp(to), "-j", "DROP");
            return;
        }
        foreach (var port in ports.Select(p => p.ToString(CultureInfo.InvariantCulture)))
        {
            await Sh.InAsync(Namespace(from), "iptables", "-A", "OUTPUT", "-o", "eth0", "-d", RegionIp(to), "-p", "tcp", "--dport", port, "-j", "DROP");
            await Sh.InAsync(Namespace(from), "iptables", "-A", "OUTPUT", "-o", "eth0", "-d", RegionIp(to), "-p", "tcp", "--sport", port, "-j", "DROP");
        }
    }

    /// <summary>Both ways between two regions.</summary>
    public async Task CutAsync(string a, string b, params int[] ports)
    {
        await DropAsync(a, b, ports);
        await DropAsync(b, a, ports);
    }

    /// <summary>
    /// Limits what <paramref name="from"/> sends to <paramref name="to"/> from source port <paramref name="port"/> to
    /// <paramref name="kbit"/> kbit/s (htb; everything else on the link is unlimited): a slow replication stream that
    /// still streams.
    /// </summary>
    public async Task ThrottleAsync(string from, string to, int port, int kbit)
    {
        var ns = Namespace(from);
        await Sh.InAsync(ns, "tc", "qdisc", "replace", "dev", "eth0", "root", "handle", "1:", "htb", "default", "10");
        await Sh.InAsync(ns, "tc", "class", "replace", "dev", "eth0", "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit");
        await Sh.InAsync(ns, "tc", "class", "replace", "dev", "eth0", "parent", "1:", "classid", "1:20", "htb", "rate", $"{kbit}kbit", "ceil", $"{kbit}kbit");
        await Sh.InAsync(ns, "tc", "filter", "replace", "dev", "eth0", "protocol", "ip", "parent", "1:0", "prio", "1", "u32",
            "match", "ip", "dst", $"{RegionIp(to)}/32", "match", "ip", "sport", port.ToString(CultureInfo.InvariantCulture), "0xffff", "flowid", "1:20");
    }

    /// <summary>
    /// Holds every packet <paramref name="from"/> sends to <paramref name="to"/> on the region link for
    /// <paramref name="delay"/> (one way; call it both ways for a slow link). Returns once the delay is in force.
    /// </summary>
    public async Task DelayAsync(string from, string to, TimeSpan delay)
    {
        if (_delays.ContainsKey((from, to))) throw new InvalidOperationException($"{from} to {to} is delayed already");
        var queue = (10 + Index(to)).ToString(CultureInfo.InvariantCulture);
        var log = Path.Combine(_logDir, $"delay-{from}-{to}.log");
        var process = LabProcess.Start($"delay-{from}-{to}", Namespace(from), log, "python3",
            [DelayScript, queue, ((int)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)]);
        _delays[(from, to)] = process;
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("ready", StringComparison.Ordinal) || !process.Running),
            TimeSpan.FromSeconds(10), $"the delay from {from} to {to} started");
        if (!process.Running) throw new InvalidOperationException($"the delay from {from} to {to} failed: {File.ReadAllText(log)}");
        // Bypass: a packet queued while the delay process is gone passes at once instead of being dropped.
        await Sh.InAsync(Namespace(from), "iptables", "-A", "OUTPUT", "-o", "eth0", "-d", RegionIp(to), "-j", "NFQUEUE", "--queue-num", queue, "--queue-bypass");
    }

    private static string DelayScript => Path.Combine(AppContext.BaseDirectory, "Lab", "nfq-delay.py");

    /// <summary>Every rule made by <see cref="DropAsync"/> or <see cref="DelayAsync"/> in every region is gone.</summary>
    public async Task HealAsync()
    {
        foreach (var region in _regions) await Sh.InAsync(Namespace(region), "iptables", "-F", "OUTPUT");
        // Packets still held pass once the delay is over; only then do the delay processes go.
        if (_delays.Count == 0) return;
        await Task.Delay(TimeSpan.FromSeconds(1));
        foreach (var process in _delays.Values) await process.DisposeAsync();
        _delays.Clear();
    }

    /// <summary>Removes every namespace and link with the lab's prefix, this run's or a crashed run's.</summary>
    public static async Task SweepAsync()
    {
        var (_, list) = await Sh.TryAsync("ip", "netns", "list");
        foreach (var ns in list.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).Where(n => n.StartsWith(Prefix + "-", StringComparison.Ordinal)))
        {
            await KillAllInAsync(ns);
            await Sh.TryAsync("ip", "netns", "del", ns);
        }
        var (_, links) = await Sh.TryAsync("ip", "-o", "link", "show");
        foreach (var link in links.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim().Split('@')[0]).Where(l => l.StartsWith(Prefix, StringComparison.Ordinal)))
            await Sh.TryAsync("ip", "link", "del", link);
    }

    /// <summary>SIGKILL to every process still running in the namespace (a server the run started and lost track of).</summary>
    private static async Task KillAllInAsync(string ns)
    {
        var (_, pids) = await Sh.TryAsync("ip", "netns", "pids", ns);
        foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            await Sh.TryAsync("kill", "-9", pid.Trim());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _delays.Values) await process.DisposeAsync();
        await SweepAsync();
    }
}
