using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// SPEC 6 rules 10 and 11 across restarts: after nyc1 was cut off and the mesh failed over to ams3, nothing that a
/// restart brings back from disk (old data folders, none at all) fences the new primary or points DNS back at nyc1.
/// </summary>
public sealed class RestartSafetyTests : IAsyncLifetime
{
    private readonly string _dataRoot = TestMesh.NewDataRoot();
    private readonly string _copies = TestMesh.NewDataRoot();
    private readonly List<SafetyMesh> _meshes = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var mesh in _meshes) await mesh.DisposeAsync();
        TestMesh.DeleteDataRoot(_dataRoot);
        TestMesh.DeleteDataRoot(_copies);
    }

    [Fact]
    public async Task A_mesh_restarted_on_wiped_data_folders_blocks_until_an_adopt_and_never_points_dns_back()
    {
        var world = new World();
        var first = await StartAsync(world);
        await FailOverAsync(first);
        await StopAsync(first);
        TestMesh.DeleteDataRoot(_dataRoot);

        var again = await StartAsync(world, new SafetyTimeline());
        var witness = again.In("sfo3").Single();
        var status = await AwaitStatusAsync(witness, s => s.Phase == Phases.Blocked && s.BlockedReasons.Any(r => r.Contains("(ams3)", StringComparison.Ordinal)), "the restarted mesh blocks on the disagreement");
        Assert.Contains(status.BlockedReasons, r => r.Contains("POST /api/v1/failover/adopt", StringComparison.Ordinal));

        var adopted = await witness.AskCoordinatorAsync<CommandAnswer>(new RequestAdopt("ams3", 1));
        Assert.Equal(200, adopted!.Status);
        status = await AwaitStatusAsync(witness, s => s is { ActiveRegion: "ams3", Phase: Phases.Idle, Guarded: true }, "ams3 adopted and guarded");

        Assert.Equal("ams3", world.DnsRegion);
        Assert.Empty(again.Steps("switch-dns:"));
        Assert.Empty(again.Fences("ams3"));
        Assert.Empty(again.Steps("unfence:"));
    }

    [Fact]
    public async Task A_mesh_restarted_on_data_folders_from_before_the_failover_blocks_and_fences_nothing_new()
    {
        var world = new World();
        var first = await StartAsync(world);
        await Guarded(first);
        await StopAndCopyBackLaterAsync(first, async () => await FailOverAsync(first));

        var again = await StartAsync(world, new SafetyTimeline());
        var witness = again.In("sfo3").Single();
        var status = await AwaitStatusAsync(witness, s => s.Phase == Phases.Blocked && s.BlockedReasons.Any(r => r.Contains("only the initial state (epoch 0) is stored, but the resources record epoch 1", StringComparison.Ordinal)),
            "the restarted mesh sees the resources are newer than its disks");

        // The stale disks make nyc1 active and grant it leases, but only an unfence would reopen its fenced primary,
        // and nothing is decided while rule 11 blocks: watch for the lease's length and a margin.
        await Task.Delay(SafetyMesh.Lease.Duration + SafetyMesh.Lease.DriftMargin + TimeSpan.FromSeconds(3));
        Assert.Equal("ams3", world.DnsRegion);
        Assert.Empty(again.Steps("switch-dns:"));
        Assert.Empty(again.Steps("unfence:"));
        Assert.Empty(again.Fences("ams3"));
        Assert.Equal(Phases.Blocked, (await witness.AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance))!.Phase);
        Assert.NotNull(status);
    }

    [Fact]
    public async Task A_node_restarted_with_its_data_folder_from_before_the_failover_does_not_fence_the_new_primary()
    {
        var world = new World();
        var mesh = await StartAsync(world, layout: [("nyc1-a", "nyc1"), ("ams3-a", "ams3"), ("ams3-b", "ams3"), ("sfo3-w", "sfo3")]);
        await Guarded(mesh);
        var before = Path.Combine(_copies, "ams3-b");
        CopyDirectory(Path.Combine(_dataRoot, "ams3-b"), before);
        await FailOverAsync(mesh);

        await mesh.StopAsync(mesh.Nodes.Single(n => n.Name == "ams3-b"));
        var restarted = await mesh.RestartAsync("ams3-b", before);
        var witness = mesh.In("sfo3").Single();
        await AwaitStatusAsync(witness, s => s.ActiveRegion == "ams3" && s.LeaseHolders.Contains("ams3-b"), "the restarted ams3-b holds a lease of ams3");

        // Its guard started from epoch 0 on disk (nyc1 active) and learned ams3's epoch from the cluster; watch it for a
        // whole lease and a margin: a guard that never got grants would fence Duration - FenceLead after learning.
        await Task.Delay(SafetyMesh.Lease.Duration + SafetyMesh.Lease.DriftMargin + TimeSpan.FromSeconds(2));
        Assert.True(mesh.Fences("ams3").Count == 0, $"ams3 was fenced\n{mesh.Timeline}");
        Assert.True((await witness.AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance))!.Guarded);
        Assert.NotNull(restarted);
    }

    private async Task<SafetyMesh> StartAsync(World world, SafetyTimeline? timeline = null, IReadOnlyList<(string Node, string Region)>? layout = null)
    {
        Directory.CreateDirectory(_dataRoot);
        var mesh = await SafetyMesh.StartAsync(layout, _dataRoot, timeline, world: world);
        _meshes.Add(mesh);
        return mesh;
    }

    private static async Task StopAsync(SafetyMesh mesh) => await mesh.DisposeAsync();

    /// <summary>Copies every node's data folder now, runs <paramref name="then"/>, stops the mesh and puts the copies back.</summary>
    private async Task StopAndCopyBackLaterAsync(SafetyMesh mesh, Func<Task> then)
    {
        foreach (var dir in Directory.GetDirectories(_dataRoot)) CopyDirectory(dir, Path.Combine(_copies, Path.GetFileName(dir)));
        await then();
        await StopAsync(mesh);
        TestMesh.DeleteDataRoot(_dataRoot);
        foreach (var dir in Directory.GetDirectories(_copies)) CopyDirectory(dir, Path.Combine(_dataRoot, Path.GetFileName(dir)));
    }

    private static async Task FailOverAsync(SafetyMesh mesh)
    {
        await Guarded(mesh);
        await mesh.IsolateAsync("nyc1");
        var witness = mesh.In("sfo3").Single();
        await AwaitStatusAsync(witness, s => s is { Phase: Phases.Completed, ActiveRegion: "ams3" }, $"the failover to ams3 completes\n{mesh.Timeline}");
        Assert.Equal("ams3", mesh.World.DnsRegion);
    }

    private static Task Guarded(SafetyMesh mesh) =>
        AwaitStatusAsync(mesh.In("sfo3").Single(), s => s is { Guarded: true, ActiveRegion: "nyc1" }, "nyc1 is guarded");

    private static async Task<FailoverStatus> AwaitStatusAsync(TestNode node, Func<FailoverStatus, bool> condition, string what)
    {
        FailoverStatus? status = null;
        await TestMesh.AwaitAsync(async () => (status = await node.AskCoordinatorAsync<FailoverStatus>(GetFailoverStatus.Instance)) is { } s && condition(s),
            TimeSpan.FromSeconds(120), () => $"{what}; last status: {status?.ActiveRegion} {status?.Phase} {string.Join("; ", status?.BlockedReasons ?? [])}");
        return status!;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        foreach (var dir in Directory.GetDirectories(from)) CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
