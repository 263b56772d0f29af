using Mesh.Actors.Hosting.Singleton;

namespace Mesh.Actors.Tests.Hosting;

/// <summary>When the keeper restarts the coordinator's singleton manager: only when none has answered anywhere for StuckAfter while this node should host it.</summary>
public sealed class SingletonWatchTests
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromSeconds(23);
    private static TimeSpan S(double s) => TimeSpan.FromSeconds(s);

    [Fact]
    public void The_clock_starts_at_the_first_look_that_found_none_and_restarts_once_StuckAfter_has_passed()
    {
        var (since, restart) = SingletonWatch.Judge(shouldHost: true, found: false, missingSince: null, S(100), StuckAfter);
        Assert.Equal((S(100), false), (since!.Value, restart));

        (since, restart) = SingletonWatch.Judge(true, false, since, S(122.9), StuckAfter);
        Assert.Equal((S(100), false), (since!.Value, restart));

        (since, restart) = SingletonWatch.Judge(true, false, since, S(123), StuckAfter);
        Assert.Equal(((TimeSpan?)null, true), (since, restart));
    }

    [Fact]
    public void A_singleton_found_anywhere_or_a_node_that_should_not_host_it_resets_the_clock()
    {
        Assert.Equal(((TimeSpan?)null, false), SingletonWatch.Judge(shouldHost: true, found: true, S(100), S(200), StuckAfter));
        Assert.Equal(((TimeSpan?)null, false), SingletonWatch.Judge(shouldHost: false, found: false, S(100), S(200), StuckAfter));
    }
}
