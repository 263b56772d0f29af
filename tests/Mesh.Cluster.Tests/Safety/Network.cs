using System.Collections.Concurrent;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// Which node reaches which, as the test has cut it. A region's resources (its app server, its primary) live with
/// its nodes: a vantage reaches a region's resources while it reaches at least one of that region's nodes, and a
/// region always reaches its own.
/// </summary>
internal sealed class Network(IReadOnlyList<(string Node, string Region)> layout)
{
    private readonly ConcurrentDictionary<(string, string), bool> _cut = new();
    private readonly ConcurrentDictionary<string, bool> _dead = new();

    public void Cut(string a, string b)
    {
        _cut[(a, b)] = true;
        _cut[(b, a)] = true;
    }

    public void Heal(string a, string b)
    {
        _cut.TryRemove((a, b), out _);
        _cut.TryRemove((b, a), out _);
    }

    public void Kill(string node) => _dead[node] = true;

    public string RegionOf(string node) => layout.Single(l => l.Node == node).Region;

    public bool Reaches(string from, string region) =>
        RegionOf(from) == region || layout.Any(l => l.Region == region && !_dead.ContainsKey(l.Node) && !_cut.ContainsKey((from, l.Node)));
}

/// <summary>Every target passes from a vantage that reaches its region, and fails from one that does not.</summary>
internal sealed class NetworkProbes(string node, Network network) : IProbeFactory
{
    public IProbe Create(TargetOptions target) => new Probe(() => network.Reaches(node, target.Region!));

    private sealed class Probe(Func<bool> reaches) : IProbe
    {
        public Task<CheckResult> CheckAsync(CancellationToken cancellationToken) =>
            Task.FromResult(reaches() ? CheckResult.Pass(TimeSpan.FromMilliseconds(1)) : CheckResult.Fail(TimeSpan.FromMilliseconds(1), "connection timed out"));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
