using System.Net;
using Mesh.Actors.DigitalOcean;
using Polly;
using Polly.Timeout;

namespace Mesh.Actors.Tests;

/// <summary>Which failed DigitalOcean requests may be repeated, and how long the server asked us to wait.</summary>
public sealed class DigitalOceanRetryRuleTests
{
    private static HttpRequestMessage Request(string method, bool safe = false)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), "http://api.test/v2/x");
        if (safe) request.Options.Set(DigitalOceanResilience.SafeToRepeat, true);
        return request;
    }

    private static Outcome<HttpResponseMessage> Status(int status) => Outcome.FromResult(new HttpResponseMessage((HttpStatusCode)status));

    private static Outcome<HttpResponseMessage> Failure(Exception e) => Outcome.FromException<HttpResponseMessage>(e);

    public static TheoryData<string, bool, int, bool> Answers => new()
    {
        // method, safe to repeat, status, retried
        { "GET", false, 429, true }, { "GET", false, 500, true }, { "GET", false, 503, true }, { "GET", false, 404, false }, { "GET", false, 401, false },
        { "PUT", false, 502, true }, { "PUT", false, 422, false },
        { "POST", false, 429, true },    // refused unprocessed
        { "POST", false, 500, false },   // may have created the record
        { "POST", true, 500, true },     // a shutdown repeated is still a shutdown
        { "GET", false, 200, false },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void An_answer_is_retried_only_when_repeating_the_request_cannot_do_harm(string method, bool safe, int status, bool retried) =>
        Assert.Equal(retried, DigitalOceanResilience.ShouldRetry(Status(status), Request(method, safe)));

    [Theory]
    [InlineData("GET", true)]
    [InlineData("PUT", true)]
    [InlineData("POST", false)]
    public void A_request_that_may_have_reached_the_server_is_retried_only_when_repeatable(string method, bool retried)
    {
        Assert.Equal(retried, DigitalOceanResilience.ShouldRetry(Failure(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")), Request(method)));
        Assert.Equal(retried, DigitalOceanResilience.ShouldRetry(Failure(new TimeoutRejectedException()), Request(method)));
    }

    [Fact]
    public void A_request_whose_connection_never_opened_is_retried_whatever_its_method() =>
        Assert.True(DigitalOceanResilience.ShouldRetry(Failure(new HttpRequestException(HttpRequestError.ConnectionError, "refused")), Request("POST")));

    [Fact]
    public void The_callers_cancellation_is_not_retried() =>
        Assert.False(DigitalOceanResilience.ShouldRetry(Failure(new OperationCanceledException()), Request("GET")));

    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage Answer(int status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status);
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        return response;
    }

    [Fact]
    public void Retry_after_in_seconds_or_as_a_date_is_the_wait()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), RateLimits.RetryAfter(Answer(429, ("Retry-After", "7")), Now));
        Assert.Equal(TimeSpan.FromSeconds(90), RateLimits.RetryAfter(Answer(503, ("Retry-After", Now.AddSeconds(90).ToString("R"))), Now));
    }

    [Fact]
    public void A_spent_hourly_budget_waits_until_ratelimit_reset_and_a_burst_without_headers_falls_back_to_backoff()
    {
        var reset = Now.AddSeconds(42).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Header names in DigitalOcean's own docs' spelling: they are read case-insensitively.
        var spent = Answer(429, ("rateLimit-limit", "5000"), ("rateLimit-remaining", "0"), ("rateLimit-reset", reset));
        var notSpent = Answer(429, ("ratelimit-limit", "5000"), ("ratelimit-remaining", "12"), ("ratelimit-reset", reset));

        Assert.Equal(TimeSpan.FromSeconds(42), RateLimits.RetryAfter(spent, Now));
        Assert.Equal(new RateLimit(5000, 0, Now.AddSeconds(42)), RateLimits.Read(spent));
        Assert.Null(RateLimits.RetryAfter(notSpent, Now));
        Assert.Null(RateLimits.RetryAfter(Answer(429), Now));
    }
}
