namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>The rate-limit headers of one answer; <paramref name="Exhausted"/> when the request must get 429.</summary>
internal sealed record RateBudget(int Limit, int Remaining, long ResetUnixSeconds, bool Exhausted);

/// <summary>
/// DigitalOcean's bookkeeping, simplified to one bucket for the whole stand-in: each request counts for one
/// hour after it is made (no fixed window), and ratelimit-reset is when the oldest counted request expires.
/// </summary>
internal sealed class StandInRateLimit(TimeProvider clock, int limitPerHour = 5000)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _counted = new();

    public RateBudget Take()
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            while (_counted.Count > 0 && _counted.Peek() + Window <= now) _counted.Dequeue();
            var exhausted = _counted.Count >= limitPerHour;
            if (!exhausted) _counted.Enqueue(now); // a refused request does not use up more of the budget
            var reset = (_counted.Count > 0 ? _counted.Peek() : now) + Window;
            return new RateBudget(limitPerHour, limitPerHour - _counted.Count, reset.ToUnixTimeSeconds(), exhausted);
        }
    }
}
