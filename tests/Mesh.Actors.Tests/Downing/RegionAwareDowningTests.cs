using Mesh.Actors.Hosting.Downing;
using static Mesh.Actors.Tests.Downing.DowningScenarios;

namespace Mesh.Actors.Tests.Downing;

public sealed class RegionAwareDowningTests
{
    /// <summary>
    /// Shapes: <c>isolate R</c> (R cut from both others), <c>cut A B</c> (the A-B link, both ways),
    /// <c>oneway A B</c> (A's nodes hear nothing from B's, B hears A), <c>lone N</c> (one node cut from
    /// everyone), <c>split3</c> (every link cut), <c>none</c>. Expected: the ids downed, comma-separated.
    /// </summary>
    [Theory]
    // 2 + 2 + 1, nyc1 active
    [InlineData("2+2+1", "none", "nyc1", "")]
    [InlineData("2+2+1", "isolate nyc1", "nyc1", "nyc1-a,nyc1-b")]
    [InlineData("2+2+1", "isolate ams3", "nyc1", "ams3-a,ams3-b")]
    [InlineData("2+2+1", "isolate sfo3", "nyc1", "sfo3-w")]
    [InlineData("2+2+1", "cut nyc1 ams3", "nyc1", "ams3-a,ams3-b")]
    [InlineData("2+2+1", "cut nyc1 sfo3", "nyc1", "sfo3-w")]
    [InlineData("2+2+1", "cut ams3 sfo3", "nyc1", "sfo3-w")] // {nyc1, ams3} has 4 members, {nyc1, sfo3} 3: the larger stays
    [InlineData("2+2+1", "oneway nyc1 ams3", "nyc1", "ams3-a,ams3-b")]
    [InlineData("2+2+1", "oneway ams3 nyc1", "nyc1", "ams3-a,ams3-b")]
    [InlineData("2+2+1", "oneway sfo3 nyc1", "nyc1", "sfo3-w")]
    [InlineData("2+2+1", "lone nyc1-a", "nyc1", "nyc1-a")]
    [InlineData("2+2+1", "lone ams3-b", "nyc1", "ams3-b")]
    [InlineData("2+2+1", "split3", "nyc1", "ams3-a,ams3-b,nyc1-a,nyc1-b,sfo3-w")]
    // the active region decides which end of a cut goes
    [InlineData("2+2+1", "cut nyc1 ams3", "ams3", "nyc1-a,nyc1-b")]
    // active region unknown: the same shapes decide by size, then by id order (ams3's ids sort first)
    [InlineData("2+2+1", "isolate nyc1", null, "nyc1-a,nyc1-b")]
    [InlineData("2+2+1", "cut nyc1 sfo3", null, "sfo3-w")]
    [InlineData("2+2+1", "cut nyc1 ams3", null, "nyc1-a,nyc1-b")]
    // 1 + 1 + 1, nyc1 active
    [InlineData("1+1+1", "none", "nyc1", "")]
    [InlineData("1+1+1", "isolate nyc1", "nyc1", "nyc1-a")]
    [InlineData("1+1+1", "isolate ams3", "nyc1", "ams3-a")]
    [InlineData("1+1+1", "isolate sfo3", "nyc1", "sfo3-w")]
    [InlineData("1+1+1", "cut nyc1 ams3", "nyc1", "ams3-a")]
    [InlineData("1+1+1", "cut nyc1 sfo3", "nyc1", "sfo3-w")]
    [InlineData("1+1+1", "cut ams3 sfo3", "nyc1", "sfo3-w")] // equal size, both hold nyc1: id order keeps {ams3-a, nyc1-a}
    [InlineData("1+1+1", "oneway ams3 nyc1", "nyc1", "ams3-a")]
    [InlineData("1+1+1", "oneway sfo3 ams3", "nyc1", "sfo3-w")]
    [InlineData("1+1+1", "lone ams3-a", "nyc1", "ams3-a")]
    [InlineData("1+1+1", "split3", "nyc1", "ams3-a,nyc1-a,sfo3-w")]
    [InlineData("1+1+1", "cut nyc1 ams3", null, "nyc1-a")]
    [InlineData("1+1+1", "isolate ams3", null, "ams3-a")]
    public void Downs_what_rule_12_says(string topology, string shape, string? active, string expectedDown)
    {
        var members = Topology(topology);

        var decision = RegionAwareDowning.Decide(View(members, Shape(members, shape), active));

        Assert.Equal(expectedDown.Split(',', StringSplitOptions.RemoveEmptyEntries), decision.Down);
        Assert.Equal(members.Select(m => m.Id).Except(decision.Down).Order(StringComparer.Ordinal), decision.Keep);
    }

    [Theory]
    [InlineData("2+2+1")]
    [InlineData("1+1+1")]
    public void An_isolated_region_downs_itself_and_the_rest_downs_it(string topology)
    {
        var members = Topology(topology);
        foreach (var region in Regions)
        {
            var decision = RegionAwareDowning.Decide(View(members, Isolate(members, region), "nyc1"));

            Assert.Equal(In(members, region).Order(StringComparer.Ordinal), decision.Down);
            Assert.All(In(members, region), id => Assert.Equal(LocalDowningAction.DownSelf, RegionAwareDowning.LocalAction(decision, id)));
            Assert.Equal(LocalDowningAction.DownOthers, RegionAwareDowning.LocalAction(decision, decision.Actor!));
            Assert.DoesNotContain(decision.Actor, In(members, region));
        }
    }

    [Theory]
    [InlineData("2+2+1", "nyc1")]
    [InlineData("2+2+1", "ams3")]
    [InlineData("1+1+1", "nyc1")]
    [InlineData("1+1+1", "ams3")]
    public void Any_one_link_cut_downs_one_end_never_the_active_region(string topology, string active)
    {
        var members = Topology(topology);
        foreach (var (a, b) in new[] { ("nyc1", "ams3"), ("nyc1", "sfo3"), ("ams3", "sfo3") })
        foreach (var observations in new[] { Cut(members, a, b), OneWay(members, a, b), OneWay(members, b, a) })
        {
            var decision = RegionAwareDowning.Decide(View(members, observations, active));

            var downedRegions = members.Where(m => decision.Down.Contains(m.Id)).Select(m => m.Region).Distinct().ToList();
            var far = Assert.Single(downedRegions);
            Assert.True(far == a || far == b, $"cut {a}-{b} downed {far}");
            Assert.NotEqual(active, far);
            Assert.Equal(In(members, far).Order(StringComparer.Ordinal), decision.Down);
            if (a == active || b == active)
                Assert.Equal(a == active ? b : a, far); // the far side from the active region
        }
    }

    [Fact]
    public void Both_sides_of_a_partition_reach_the_same_decision_from_their_own_records()
    {
        var members = TwoTwoOne;
        // nyc1 is isolated; each side only holds the records its own members made.
        var nyc1Side = View(members, OneWay(members, "nyc1", "ams3").Concat(OneWay(members, "nyc1", "sfo3")), "nyc1");
        var otherSide = View(members.Reverse().ToList(), OneWay(members, "sfo3", "nyc1").Concat(OneWay(members, "ams3", "nyc1")).Reverse(), "nyc1");

        var onNyc1 = RegionAwareDowning.Decide(nyc1Side);
        var onOthers = RegionAwareDowning.Decide(otherSide);

        Assert.Equal(onNyc1.Keep, onOthers.Keep);
        Assert.Equal(onNyc1.Down, onOthers.Down);
        Assert.Equal(onNyc1.Actor, onOthers.Actor);
        Assert.Equal(["nyc1-a", "nyc1-b"], onNyc1.Down);
        Assert.Equal(LocalDowningAction.DownSelf, RegionAwareDowning.LocalAction(onNyc1, "nyc1-a"));
        Assert.Equal(LocalDowningAction.DownOthers, RegionAwareDowning.LocalAction(onOthers, "ams3-a"));
        Assert.Equal(LocalDowningAction.Wait, RegionAwareDowning.LocalAction(onOthers, "sfo3-w"));
    }

    [Fact]
    public void A_single_cut_decides_the_same_on_both_ends_and_in_the_middle()
    {
        var members = TwoTwoOne;
        // nyc1-ams3 cut: each end recorded only its own loss; the witness relays gossip, so both records
        // usually reach everyone, but each half alone already breaks the same pairs.
        var views = new[]
        {
            View(members, OneWay(members, "nyc1", "ams3"), "nyc1"),
            View(members, OneWay(members, "ams3", "nyc1"), "nyc1"),
            View(members, Cut(members, "nyc1", "ams3"), "nyc1"),
        };

        var decisions = views.Select(RegionAwareDowning.Decide).ToList();

        Assert.All(decisions, d => Assert.Equal(["ams3-a", "ams3-b"], d.Down));
        Assert.All(decisions, d => Assert.Equal("nyc1-a", d.Actor));
    }

    [Fact]
    public void Records_about_members_already_down_or_gone_are_ignored()
    {
        var members = TwoTwoOne.Where(m => m.Region != "ams3").ToList();

        var decision = RegionAwareDowning.Decide(View(members, Isolate(TwoTwoOne, "ams3"), "nyc1"));

        Assert.True(decision.DownsNothing);
        Assert.Equal(LocalDowningAction.None, RegionAwareDowning.LocalAction(decision, "nyc1-a"));
    }

    [Fact]
    public void A_joining_member_stays_only_when_it_reaches_every_kept_member()
    {
        var members = TwoTwoOne.Append(new DowningMember("ams3-c", "ams3", Counted: false)).ToList();
        // ams3 is cut off; ams3-c was joining through ams3.
        var observations = Isolate(TwoTwoOne, "ams3").Concat(OneWay(TwoTwoOne, "nyc1", "ams3").Select(o => o with { Subject = "ams3-c" }));

        var decision = RegionAwareDowning.Decide(View(members, observations, "nyc1"));

        Assert.Equal(["ams3-a", "ams3-b", "ams3-c"], decision.Down);
    }
}
