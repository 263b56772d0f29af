using Mesh.Tests.Shared;
using System.Diagnostics;
using Mesh.Node.Demo;

namespace Mesh.Node.Tests;

/// <summary>Three real <c>health-mesh run</c> processes, each from its own config file, on loopback.</summary>
public sealed class ProcessClusterTests : IAsyncLifetime
{
    private LocalMesh _mesh = null!;

    public Task InitializeAsync()
    {
        _mesh = LocalMesh.Create(TestConfigs.NewDirectory(), LocalMeshTimings.Fast, TestConfigs.ApiToken);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task Three_processes_form_a_cluster_and_remove_a_killed_node_within_the_downing_bound()
    {
        var clock = Stopwatch.StartNew();
        _mesh.StartAll();
        var expected = LocalMeshConfig.Layout.Select(l => (l.Node, l.Region)).Order().ToList();
        await _mesh.WaitForAsync(_mesh.Nodes,
            v => v.Members.All(m => m.Status == "Up") && v.Members.Select(m => (m.Node!, m.Region!)).Order().SequenceEqual(expected),
            TimeSpan.FromSeconds(90));
        Measurements.Record("process cluster formation (3 nodes, start to all Up in every node's API)", clock.Elapsed);

        var victim = _mesh.Nodes.Single(n => n.Region == "ams3");
        var survivors = _mesh.Nodes.Where(n => n != victim).ToList();
        var victimAddress = victim.Address(LocalMeshConfig.ClusterName);
        clock.Restart();
        _mesh.Kill(victim);
        await _mesh.WaitForAsync(survivors,
            v => v.Members.All(m => m.Address != victimAddress) && v.Members.Count(m => m.Status == "Up") == 2,
            TimeSpan.FromSeconds(60));
        var removal = clock.Elapsed;
        Measurements.Record("dead node removal (SIGKILL to gone from both survivors' API)", removal);

        // The bound: StableAfter plus the failure detector's pause. Around it sit one heartbeat
        // (phi crosses its threshold after the pause), one round each of Akka's 1 s periodic tasks
        // (unreachable reaper, SBR tick, leader actions, gossip to the other survivor), and 4 s for a
        // loaded two-core machine.
        var t = LocalMeshTimings.Fast;
        var slack = TimeSpan.FromSeconds(4 * 1 + 4);
        Assert.True(removal <= t.StableAfter + t.AcceptableHeartbeatPause + t.HeartbeatInterval + slack,
            $"removal took {removal.TotalSeconds:0.0} s");
        Assert.False(_mesh.IsRunning(victim));
        Assert.All(survivors, s => Assert.True(_mesh.IsRunning(s)));
    }

    [Fact]
    public async Task The_first_seed_killed_and_started_again_at_once_rejoins_instead_of_forming_an_island()
    {
        _mesh.StartAll();
        await _mesh.WaitForAsync(_mesh.Nodes, v => v.Members.Count(m => m.Status == "Up") == 3, TimeSpan.FromSeconds(90));
        var first = _mesh.Nodes[0];   // the first of the seed nodes: the one that may join itself

        _mesh.Kill(first);
        await Eventually.UntilAsync(() => Task.FromResult(!_mesh.IsRunning(first)), TimeSpan.FromSeconds(10), "the first seed exits");
        _mesh.Start(first);

        // Every node, the new incarnation included, sees one cluster of three Up and reachable members: it joined
        // the others rather than itself (an island stays Joining alone, ExpectedNodes holding it).
        await _mesh.WaitForAsync(_mesh.Nodes, v => v.Members.Count(m => m.Status == "Up" && m.Reachable) == 3 && v.Members.Count == 3, TimeSpan.FromSeconds(90));
    }
}
