using Akka.Actor;
using Akka.TestKit.Xunit2;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Tests;

public sealed class ProbeActorTests : TestKit
{
    private static readonly TargetOptions Target = new() { Id = "app-nyc1", Kind = TargetKinds.Http, Region = "nyc1", Url = "http://127.0.0.1/health" };

    private static ProbeSettings Settings(int rise = 2, int fall = 3, int intervalMs = 50, int timeoutMs = 40) =>
        new(TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromMilliseconds(timeoutMs), TimeSpan.FromMilliseconds(100), rise, fall, TimeSpan.Zero);

    private (IActorRef Actor, Akka.TestKit.TestProbe Observers) Start(FakeProbe probe, ProbeSettings settings)
    {
        var observers = CreateTestProbe();
        var actor = Sys.ActorOf(ProbeActor.Props("ams3", Target, settings, probe, observers));
        return (actor, observers);
    }

    private static TargetObserved Next(Akka.TestKit.TestProbe observers) => observers.ExpectMsg<TargetObserved>(TimeSpan.FromSeconds(5));

    [Fact]
    public void Every_check_is_published_and_rise_and_fall_move_the_status()
    {
        var probe = new FakeProbe
        {
            // passes 1-3, fails 4-7, passes from 8 on
            Behaviour = (n, _) => Task.FromResult(n is >= 4 and <= 7
                ? CheckResult.Fail(TimeSpan.FromMilliseconds(3), "HTTP 500 (expected 200)")
                : CheckResult.Pass(TimeSpan.FromMilliseconds(2))),
        };
        var (_, observers) = Start(probe, Settings());

        var statuses = Enumerable.Range(1, 10).Select(_ => Next(observers)).ToList();

        Assert.Equal(
            [ProbeStatus.Unknown, ProbeStatus.Healthy, ProbeStatus.Healthy, ProbeStatus.Healthy, ProbeStatus.Healthy,
             ProbeStatus.Unhealthy, ProbeStatus.Unhealthy, ProbeStatus.Unhealthy, ProbeStatus.Healthy, ProbeStatus.Healthy],
            statuses.Select(o => o.Status));
        Assert.All(statuses, o => Assert.Equal(("ams3", "app-nyc1"), (o.Vantage, o.TargetId)));
        Assert.Equal("HTTP 500 (expected 200)", statuses[5].Error);
        Assert.Equal(3, statuses[5].ConsecutiveFailures);
        Assert.Equal(statuses[5].LastCheck, statuses[5].Since);
        Assert.Equal(statuses[5].Since, statuses[7].Since);
        Assert.Null(statuses[8].Error);
    }

    [Fact]
    public void A_slow_check_is_never_overlapped_by_the_next_tick()
    {
        var probe = new FakeProbe
        {
            Behaviour = async (_, ct) =>
            {
                await Task.Delay(200, ct);
                return CheckResult.Pass(TimeSpan.FromMilliseconds(200));
            },
        };
        var (_, observers) = Start(probe, Settings(intervalMs: 20, timeoutMs: 10));

        for (var i = 0; i < 4; i++) Next(observers);

        Assert.Equal(1, probe.MaxConcurrent);
        Assert.InRange(probe.Checks, 4, 5);   // about one check per 200 ms, not one per 20 ms tick
    }

    [Fact]
    public void A_probe_that_throws_is_an_unhealthy_check_and_probing_goes_on()
    {
        var probe = new FakeProbe { Behaviour = (_, _) => throw new InvalidOperationException("boom") };
        var (actor, observers) = Start(probe, Settings(fall: 1));

        var first = Next(observers);
        var second = Next(observers);

        Assert.Equal(ProbeStatus.Unhealthy, first.Status);
        Assert.Equal("the probe failed: InvalidOperationException: boom", first.Error);
        Assert.Equal(2, second.ConsecutiveFailures);
        Watch(actor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));   // no Terminated: the actor did not crash
    }

    [Fact]
    public void A_probe_that_ignores_its_timeout_is_cut_off_by_the_guard()
    {
        var probe = new FakeProbe { Behaviour = (_, _) => new TaskCompletionSource<CheckResult>().Task };   // never completes
        var (_, observers) = Start(probe, Settings(fall: 1, intervalMs: 50, timeoutMs: 40));

        var observed = observers.ExpectMsg<TargetObserved>(TimeSpan.FromSeconds(5));

        Assert.Equal(ProbeStatus.Unhealthy, observed.Status);
        Assert.Equal("the check did not finish within 1140 ms", observed.Error);   // ConnectTimeout + Timeout + 1 s
    }

    [Fact]
    public void The_state_answers_with_history_most_recent_first_and_bounded()
    {
        var probe = new FakeProbe { Behaviour = (n, _) => Task.FromResult(CheckResult.Pass(TimeSpan.FromMilliseconds(n))) };
        var (actor, observers) = Start(probe, Settings(intervalMs: 5, timeoutMs: 4));
        for (var i = 0; i < ProbeActor.HistorySize + 5; i++) Next(observers);

        actor.Tell(new GetProbeState("app-nyc1"));
        var state = ExpectMsg<ProbeState>();

        Assert.Equal(ProbeActor.HistorySize, state.History.Count);
        Assert.True(state.History.Zip(state.History.Skip(1)).All(p => p.First.At >= p.Second.At), "most recent first");
        Assert.True(state.History[0].LatencyMs > state.History[^1].LatencyMs);
        Assert.Equal(ProbeStatus.Healthy, state.Observed.Status);
    }

    [Fact]
    public void Stopping_the_actor_releases_the_probe()
    {
        var probe = new FakeProbe();
        var (actor, observers) = Start(probe, Settings());
        Next(observers);

        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);

        AwaitCondition(() => probe.Disposed, TimeSpan.FromSeconds(3));
    }
}
