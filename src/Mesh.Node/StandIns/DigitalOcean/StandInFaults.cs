namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>An injected failure: the status to answer and, for 429, the retry-after to announce.</summary>
internal sealed record InjectedFailure(int Status, TimeSpan? RetryAfter);

/// <summary>
/// Failures a test asks for. Each call replaces what was still pending of the same kind, so a test states
/// exactly what the next requests see rather than adding to leftovers of an earlier step.
/// </summary>
internal sealed class StandInFaults(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private int _failures;
    private InjectedFailure? _failure;
    private InjectedFailure[] _outage = [];
    private DateTimeOffset _outageUntil;
    private int _outageNext;
    private int _drops;

    public void FailNext(int count, int status, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var failure = Failure(status, retryAfter);
        lock (_gate)
        {
            _failures = count;
            _failure = failure;
        }
    }

    /// <summary>An outage: from now for <paramref name="duration"/> every request fails, with <paramref name="statuses"/> in turn.</summary>
    public void FailFor(TimeSpan duration, IReadOnlyList<int> statuses, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (statuses.Count == 0) throw new ArgumentException("an outage needs at least one status to answer", nameof(statuses));
        var failures = statuses.Select(s => Failure(s, retryAfter)).ToArray();
        lock (_gate)
        {
            _outage = failures;
            _outageNext = 0;
            _outageUntil = clock.GetUtcNow() + duration;
        }
    }

    private static InjectedFailure Failure(int status, TimeSpan? retryAfter)
    {
        if (status != 429 && status is < 500 or > 599)
            throw new ArgumentOutOfRangeException(nameof(status), status, "only 429 and 5xx are injected: they are what a client must retry");
        if (retryAfter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "retry-after cannot be negative");
        return new InjectedFailure(status, status == 429 ? retryAfter : null);
    }

    /// <summary>The failure this request must answer with, or null: a counted failure first (each call uses one), then the outage.</summary>
    public InjectedFailure? TakeFailure()
    {
        lock (_gate)
        {
            if (_failures > 0)
            {
                _failures--;
                return _failure;
            }
            if (_outage.Length == 0 || clock.GetUtcNow() >= _outageUntil) return null;
            return _outage[_outageNext++ % _outage.Length];
        }
    }

    public void DropNextWrites(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate) _drops = count;
    }

    /// <summary>True when this write must be answered but not stored; each true uses one.</summary>
    public bool TakeDrop()
    {
        lock (_gate)
        {
            if (_drops == 0) return false;
            _drops--;
            return true;
        }
    }
}
