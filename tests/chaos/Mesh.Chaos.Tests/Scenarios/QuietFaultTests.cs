using Mesh.Chaos.Tests.Lab;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenarios (3), (4), (5) and (15): faults the shop must ride out without moving and without a lasting fence of
/// nyc1: each single inter-region link cut both ways, the standby region lost, the witness lost, and only the
/// database path between regions broken.
/// </summary>
public sealed class QuietFaultTests() : ChaosScenario("quiet")
{
    [Theory]
    [InlineData("nyc1", "ams3")]
    [InlineData("nyc1", "sfo3")]
    [InlineData("ams3", "sfo3")]
    public async Task A_single_link_cut_moves_nothing(string a, string b)
    {
        await ReadyAndWritingAsync();

        await Shop.Lab.CutAsync(a, b);

        await ChaosRun.AssertNothingMovedAsync(Shop, $"(3) link {a}-{b} cut");
        Shop.MarkPassed();
    }

    [Fact]
    public async Task The_standby_region_lost_moves_nothing()
    {
        await ReadyAndWritingAsync();

        await Shop.KillRegionAsync(ChaosShop.Standby);

        await ChaosRun.AssertNothingMovedAsync(Shop, "(4) standby region lost");
        Shop.MarkPassed();
    }

    [Fact]
    public async Task The_witness_lost_moves_nothing()
    {
        await ReadyAndWritingAsync();

        await Shop.Mesh.Processes["sfo3-w"].KillAsync();

        await ChaosRun.AssertNothingMovedAsync(Shop, "(5) witness lost");
        Shop.MarkPassed();
    }

    [Fact]
    public async Task Only_the_database_path_between_regions_broken_moves_nothing()
    {
        await ReadyAndWritingAsync();

        // Replication and every probe of another region's PostgreSQL and Redis fail; the mesh's own links stay up.
        foreach (var (a, b) in new[] { ("nyc1", "ams3"), ("nyc1", "sfo3"), ("ams3", "sfo3") })
            await Shop.Lab.CutAsync(a, b, LabServers.PostgresPort, LabServers.RedisPort);

        await ChaosRun.AssertNothingMovedAsync(Shop, "(15) only the database path between regions broken");
        Shop.MarkPassed();
    }
}
