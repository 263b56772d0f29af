using Mesh.Actors.Probes;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Tests;

public sealed class ProbeVerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Runs a sequence of checks ('+' passed, '-' failed), one second apart, with Rise 2 and Fall 3.</summary>
    private static ProbeVerdict Run(string checks, ProbeVerdict? start = null)
    {
        var v = start ?? ProbeVerdict.Initial;
        for (var i = 0; i < checks.Length; i++) v = v.After(checks[i] == '+', T0.AddSeconds(i), rise: 2, fall: 3);
        return v;
    }

    [Theory]
    [InlineData("", ProbeStatus.Unknown, null)]
    [InlineData("+", ProbeStatus.Unknown, null)]             // one pass is not yet a verdict
    [InlineData("++", ProbeStatus.Healthy, 1)]               // Rise passes: healthy since the second check
    [InlineData("--", ProbeStatus.Unknown, null)]
    [InlineData("---", ProbeStatus.Unhealthy, 2)]            // Fall failures: unhealthy since the third
    [InlineData("+-+-+-", ProbeStatus.Unknown, null)]        // flapping never reaches a verdict
    [InlineData("++--", ProbeStatus.Healthy, 1)]             // two failures are tolerated
    [InlineData("++---", ProbeStatus.Unhealthy, 4)]
    [InlineData("++--+---", ProbeStatus.Unhealthy, 7)]       // a pass resets the failure count
    [InlineData("---+", ProbeStatus.Unhealthy, 2)]           // one pass does not rise
    [InlineData("---++", ProbeStatus.Healthy, 4)]
    [InlineData("++++", ProbeStatus.Healthy, 1)]             // since does not move while the status holds
    public void Rise_and_fall_decide_the_status_and_since(string checks, string status, int? sinceSecond)
    {
        var v = Run(checks);

        Assert.Equal(status, v.Status);
        Assert.Equal(sinceSecond is null ? null : T0.AddSeconds(sinceSecond.Value), v.Since);
    }

    [Fact]
    public void Consecutive_failures_count_until_a_pass()
    {
        Assert.Equal(4, Run("+----").ConsecutiveFailures);
        Assert.Equal(0, Run("----+").ConsecutiveFailures);
    }
}
