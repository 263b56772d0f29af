using Mesh.Actors.Fencing.Lease;
using static Mesh.Actors.Tests.Fencing.LeaseFixtures;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>SPEC 6 rule 4 on exit: a downed node fences unless fresh grants from Quorum regions reached it; SIGTERM never fences.</summary>
public sealed class ExitRuleTests
{
    [Fact]
    public void A_downed_node_with_fresh_grants_from_Quorum_regions_exits_without_fencing()
    {
        var g = Guard().Granted(1, 9.5, "nyc1", "ams3");   // received at 9.55

        var v = ExitRule.OnExit(ExitKind.Downed, g, S(10.5), Settings);

        Assert.False(v.FenceBeforeExit, v.Reason);
    }

    [Fact]
    public void A_downed_node_whose_quorum_grants_are_older_than_RenewInterval_fences_even_with_a_lasting_lease()
    {
        var g = Guard().Granted(1, 8, "nyc1", "ams3", "sfo3").Granted(2, 9.5, "nyc1");

        var v = ExitRule.OnExit(ExitKind.Downed, g, S(10), Settings);

        Assert.True(LeaseArithmetic.Compute(g, S(10), Settings).Holds);
        Assert.True(v.FenceBeforeExit);
        Assert.Contains("only 1 regions", v.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SIGTERM_releases_without_fencing_even_without_grants()
    {
        Assert.False(ExitRule.OnExit(ExitKind.Terminated, Guard(), S(100), Settings).FenceBeforeExit);
        Assert.True(ExitRule.OnExit(ExitKind.Downed, Guard(), S(100), Settings).FenceBeforeExit);
    }
}
