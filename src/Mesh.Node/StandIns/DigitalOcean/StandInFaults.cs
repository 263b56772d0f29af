namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>An injected failure: the status to answer and, for 429, the retry-after to announce.</summary>
internal sealed record InjectedFailure(int Status, TimeSpan? RetryAfter);

/// <summary>
/// Failures a test asks for. Each call replaces what was still pending of the same kind, so a test states
/// exactly what the next requests see rather than adding to leftovers of an earlier step.
/// </summary>
internal sealed class StandInFaults
{
    private readonly Lock _gate = new();
    private int _failures;
    private InjectedFailure? _failure;
    private int _drops;

    public void FailNext(int count, int status, TimeSpan? retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (status != 429 && status is < 500 or > 599)
            throw new ArgumentOutOfRangeException(nameof(status), status, "only 429 and 5xx are injected: they are what a client must retry");
        if (retryAfter < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retryAfter), retryAfter, "retry-after cannot be negative");
        lock (_gate)
        {
            _failures = count;
            _failure = new InjectedFailure(status, status == 429 ? retryAfter : null);
        }
    }

    /// <summary>The failure this request must answer with, or null; each call uses one.</summary>
    public InjectedFailure? TakeFailure()
    {
        lock (_gate)
        {
            if (_failures == 0) return null;
            _failures--;
            return _failure;
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
