using Akka.Actor;
using Akka.Cluster;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>
/// Nodes that must not get in, kept trying the way systemd keeps a node running (Restart=always). Akka stops a node whose
/// outbound TLS handshake fails (CoordinatedShutdown, TlsHandshakeFailureReason, exit code 79), which is one way a refused
/// intruder ends; another incarnation then tries again. Any other reason to stop fails the test: the refusal must be TLS's.
/// </summary>
/// <param name="start">Starts incarnation n (0, 1, …) of the named intruder.</param>
internal sealed class RestartingIntruders(IReadOnlyList<string> names, Func<string, int, Task<TestNode>> start)
{
    private const int TlsHandshakeFailureExitCode = 79;

    private readonly Dictionary<string, (TestNode Node, int Incarnation)> _current = [];
    private readonly HashSet<Address> _addresses = [];

    /// <summary>How many incarnations Akka stopped on a refused TLS handshake.</summary>
    public int TlsStops { get; private set; }

    public IEnumerable<TestNode> Running => _current.Values.Select(c => c.Node).Where(n => !n.System.WhenTerminated.IsCompleted);

    /// <summary>Whether <paramref name="address"/> is any incarnation's.</summary>
    public bool Holds(Address address) => _addresses.Contains(address);

    public async Task StartAsync()
    {
        foreach (var (name, node) in names.Zip(await Task.WhenAll(names.Select(n => start(n, 0))))) Add(name, node, 0);
    }

    /// <summary>Starts again every intruder that Akka stopped for a refused TLS handshake.</summary>
    public async Task KeepTryingAsync(Func<string> context)
    {
        foreach (var (name, (node, incarnation)) in _current.ToList())
        {
            if (!node.System.WhenTerminated.IsCompleted) continue;
            var reason = CoordinatedShutdown.Get(node.System).ShutdownReason;
            // Akka's TlsHandshakeFailureReason is internal; its exit code is what it makes public.
            Assert.True(reason?.ExitCode == TlsHandshakeFailureExitCode, $"{name} stopped, and not for a refused TLS handshake: {reason?.ToString() ?? "no reason"}\n{context()}");
            TlsStops++;
            Add(name, await start(name, incarnation + 1), incarnation + 1);
        }
    }

    /// <summary>Fails the test if a running intruder sees an Up member: it would have formed or joined a cluster.</summary>
    public void AssertNoneUp(Func<string> context)
    {
        foreach (var intruder in Running)
            Assert.True(intruder.Cluster.State.Members.All(m => m.Status != MemberStatus.Up),
                $"{intruder.Name} sees Up members: {string.Join(", ", intruder.Cluster.State.Members)}\n{context()}");
    }

    private void Add(string name, TestNode node, int incarnation)
    {
        _current[name] = (node, incarnation);
        _addresses.Add(node.Address);
    }
}
