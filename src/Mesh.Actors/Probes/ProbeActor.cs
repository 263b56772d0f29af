using Akka.Actor;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// Probes one target from one vantage region, every interval, forever: never two checks at once (a
/// tick that finds a check running is skipped), rise/fall decides the status, every check is published
/// to <c>observers</c> and kept in a bounded history. A probe that throws is an unhealthy check, not a crash.
/// </summary>
public sealed class ProbeActor : ReceiveActor, IWithTimers
{
    public const int HistorySize = 60;
    private const string TickKey = "tick";

    private readonly string _vantage;
    private readonly TargetOptions _target;
    private readonly ProbeSettings _settings;
    private readonly IProbeFactory _factory;
    private readonly IActorRef _observers;
    private readonly TimeProvider _clock;
    private readonly CheckHistory _history = new(HistorySize);
    private readonly Prometheus.Histogram.Child _duration;
    private readonly Prometheus.Counter.Child _skipped;
    private IProbe? _probe;
    private readonly TimeSpan _guard;
    private bool _checking;
    private long _check;
    private long _checkStarted;
    private CancellationTokenSource? _cancel;
    private DateTimeOffset? _nextDue;
    private ProbeVerdict _verdict = ProbeVerdict.Initial;
    private TargetObserved _observed;

    public ITimerScheduler Timers { get; set; } = null!;

    public ProbeActor(string vantage, TargetOptions target, ProbeSettings settings, IProbeFactory factory, IActorRef observers, TimeProvider clock)
    {
        _vantage = vantage;
        _target = target;
        _settings = settings;
        _factory = factory;
        _observers = observers;
        _clock = clock;
        _observed = new TargetObserved(vantage, target.Id!, ProbeStatus.Unknown, null, null, null, 0, null, ProbeFacts.None);
        _duration = ProbeMetrics.Duration.WithLabels(target.Id!, vantage);
        _skipped = ProbeMetrics.SkippedTicks.WithLabels(target.Id!, vantage);
        _guard = settings.CheckBudget + TimeSpan.FromSeconds(1);

        Receive<Tick>(_ => OnTick());
        Receive<Checked>(OnChecked);
        Receive<GetProbeState>(_ => Sender.Tell(new ProbeState(_observed, _history.ToList())));
    }

    public static Props Props(string vantage, TargetOptions target, ProbeSettings settings, IProbeFactory factory, IActorRef observers, TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new ProbeActor(vantage, target, settings, factory, observers, clock ?? TimeProvider.System));

    protected override void PreStart()
    {
        _probe = _factory.Create(_target);
        // Spread the first checks of many targets over one interval instead of firing them all at once.
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(_settings.Interval.TotalMilliseconds, 1000));
        Timers.StartPeriodicTimer(TickKey, Tick.Instance, jitter, _settings.Interval);
    }

    protected override void PostStop()
    {
        _cancel?.Cancel();
        _cancel?.Dispose();
        if (_probe is not null) _ = _probe.DisposeAsync().AsTask();
    }

    private void OnTick()
    {
        var now = _clock.GetUtcNow();
        if (_nextDue is { } due) ProbeMetrics.TickLateness.Observe(Math.Max(0, (now - due).TotalSeconds));
        _nextDue = (_nextDue ?? now) + _settings.Interval;
        while (_nextDue < now) _nextDue += _settings.Interval;
        if (_checking)
        {
            if (_clock.GetElapsedTime(_checkStarted) > _guard) AbandonCheck();
            else _skipped.Inc();
            return;
        }
        StartCheck();
    }

    private void StartCheck()
    {
        _checking = true;
        _checkStarted = _clock.GetTimestamp();
        var check = ++_check;
        // A source without a timer: the tick is the guard's clock, so a check costs no timer of its own.
        if (_cancel is null || !_cancel.TryReset())
        {
            _cancel?.Dispose();
            _cancel = new CancellationTokenSource();
        }
        Task<CheckResult> task;
        try
        {
            task = _probe!.CheckAsync(_cancel.Token);
        }
        catch (Exception e)
        {
            task = Task.FromException<CheckResult>(e);
        }
        task.PipeTo(Self, success: r => new Checked(check, r), failure: e => new Checked(check, CheckResult.Fail(TimeSpan.Zero, Describe(e))));
    }

    private static string Describe(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } single) e = single.InnerExceptions[0];
        return $"the probe failed: {e.GetType().Name}: {ProbeErrors.FirstLine(e.Message)}";
    }

    // The probe bounds itself; the guard only catches a probe that ignores its own timeouts. Its late
    // answer, if it ever comes, is dropped (it carries an old check number).
    private void AbandonCheck()
    {
        _cancel!.Cancel();
        _cancel.Dispose();
        _cancel = null;
        Record(new Checked(++_check, CheckResult.Fail(_guard, $"the check did not finish within {_guard.TotalMilliseconds:0} ms")));
    }

    private void OnChecked(Checked message)
    {
        if (message.Check == _check) Record(message);
    }

    private void Record(Checked message)
    {
        _checking = false;
        var result = message.Result;
        var at = _clock.GetUtcNow();
        _verdict = _verdict.After(result.Passed, at, _settings.Rise, _settings.Fall);
        var latencyMs = Math.Round(result.Latency.TotalMilliseconds, 3);
        _observed = new TargetObserved(_vantage, _target.Id!, _verdict.Status, _verdict.Since, at, latencyMs,
            _verdict.ConsecutiveFailures, result.Error, result.Facts);
        _history.Add(new CheckRecord(at, _verdict.Status, latencyMs, result.Error));
        _duration.Observe(result.Latency.TotalSeconds);
        _observers.Tell(_observed);
    }

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Checked(long Check, CheckResult Result);
}
