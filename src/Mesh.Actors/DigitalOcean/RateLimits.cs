using System.Globalization;

namespace Mesh.Actors.DigitalOcean;

/// <summary>Reads DigitalOcean's rate-limit headers (case-insensitively: its own docs spell them <c>rateLimit-reset</c>) and Retry-After.</summary>
internal static class RateLimits
{
    public static RateLimit? Read(HttpResponseMessage response) =>
        Header(response, "ratelimit-limit") is { } limit && Header(response, "ratelimit-remaining") is { } remaining && Header(response, "ratelimit-reset") is { } reset
            ? new RateLimit((int)limit, (int)remaining, DateTimeOffset.FromUnixTimeSeconds(reset))
            : null;

    /// <summary>How long the API asked us to wait: Retry-After (a burst 429), else, when the hourly budget is spent, until ratelimit-reset.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.RetryAfter is { } retryAfter)
            return retryAfter.Delta ?? (retryAfter.Date is { } date ? Max0(date - now) : null);
        if ((int)response.StatusCode == 429 && Read(response) is { Remaining: <= 0 } spent)
            return Max0(spent.Reset - now);
        return null;
    }

    private static TimeSpan Max0(TimeSpan t) => t < TimeSpan.Zero ? TimeSpan.Zero : t;

    private static long? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
