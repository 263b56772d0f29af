using Mesh.Chaos.Tests.Lab;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenarios (3), (4), (5) and (15): faults the shop must ride out without moving and without a lasting fence of
/// nyc1: each single inter-region link cut both ways, the standby region lost, the witness lost, and only the
/// database path between regions broken.
/// </summary>
public sealed class QuietFaultTests : IAsyncLifetime
{
    private ChaosShop _shop = null!;

    public async Task InitializeAsync() => _shop = await ChaosShop.StartAsync("quiet");

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    [Theory]
    [InlineData("nyc1", "ams3")]
    [InlineData("nyc1", "sfo3")]
    [InlineData("ams3", "sfo3")]
    public async Task A_single_link_cut_moves_nothing(string a, string b)
    {
        await ChaosRun.AwaitReadyAsync(_shop);
        await ChaosRun.StartWritingAsync(_shop);

        await _shop.Lab.CutAsync(a, b);

        await ChaosRun.AssertNothingMovedAsync(_shop, $"(3) link {a}-{b} cut");
        _shop.MarkPassed();
    }

    [Fact]
    public async Task The_standby_region_lost_moves_nothing()
    {
        await ChaosRun.AwaitReadyAsync(_shop);
        await ChaosRun.StartWritingAsync(_shop);

        foreach (var p in _shop.Mesh.Processes.Where(p => ChaosMesh.Region(p.Key) == ChaosShop.Standby)) await p.Value.KillAsync();
        foreach (var p in _shop.Servers.Processes.Where(p => p.Key.EndsWith(ChaosShop.Standby, StringComparison.Ordinal))) await p.Value.KillAsync();

        await ChaosRun.AssertNothingMovedAsync(_shop, "(4) standby region lost");
        _shop.MarkPassed();
    }

    [Fact]
    public async Task The_witness_lost_moves_nothing()
    {
        await ChaosRun.AwaitReadyAsync(_shop);
        await ChaosRun.StartWritingAsync(_shop);

        await _shop.Mesh.Processes["sfo3-w"].KillAsync();

        await ChaosRun.AssertNothingMovedAsync(_shop, "(5) witness lost");
        _shop.MarkPassed();
    }

    [Fact]
    public async Task Only_the_database_path_between_regions_broken_moves_nothing()
    {
        await ChaosRun.AwaitReadyAsync(_shop);
        await ChaosRun.StartWritingAsync(_shop);

        // Replication and every probe of another region's PostgreSQL and Redis fail; the mesh's own links stay up.
        foreach (var (a, b) in new[] { ("nyc1", "ams3"), ("nyc1", "sfo3"), ("ams3", "sfo3") })
            await _shop.Lab.CutAsync(a, b, LabServers.PostgresPort, LabServers.RedisPort);

        await ChaosRun.AssertNothingMovedAsync(_shop, "(15) only the database path between regions broken");
        _shop.MarkPassed();
    }
}
