using System.Globalization;

namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// What every /v2 request goes through before its route, in the API's order as far as a client can tell:
/// counted, given a request id and rate-limit headers, then an injected failure if one is due, then the
/// rate limit, then the bearer check. Every answer, including routing's own 404/405 and an exception,
/// leaves with the API's error body, never an empty or HTML page.
/// </summary>
internal static class StandInPipeline
{
    public const string TokenUsedKey = "standin.token-used";

    public static void Use(WebApplication app, StandInState state, StandInFaults faults, StandInAuth auth, StandInRateLimit rateLimit)
    {
        app.Use(async (context, next) =>
        {
            var requestId = Guid.NewGuid().ToString();
            context.Items[StandInErrors.RequestIdKey] = requestId;
            var response = context.Response;
            response.Headers["x-request-id"] = requestId;
            if (!context.Request.Path.StartsWithSegments("/v2"))
            {
                await StandInErrors.NotFound(context).ExecuteAsync(context);
                return;
            }

            state.CountRequest();
            var budget = rateLimit.Take();
            var failure = faults.TakeFailure();
            var limited = failure?.Status == StatusCodes.Status429TooManyRequests || (failure is null && budget.Exhausted);
            response.Headers["ratelimit-limit"] = budget.Limit.ToString(CultureInfo.InvariantCulture);
            response.Headers["ratelimit-remaining"] = (limited ? 0 : budget.Remaining).ToString(CultureInfo.InvariantCulture);
            response.Headers["ratelimit-reset"] = budget.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
            if (failure is not null)
            {
                if (failure.RetryAfter is { } wait)
                    response.Headers.RetryAfter = ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await StandInErrors.ForStatus(context, failure.Status).ExecuteAsync(context);
                return;
            }
            if (limited)
            {
                await StandInErrors.ForStatus(context, StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
                return;
            }

            var method = context.Request.Method;
            var write = HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
            var verdict = auth.Check(context.Request.Headers.Authorization.Count == 1 ? context.Request.Headers.Authorization.ToString() : null, write);
            if (verdict.Status is { } refused)
            {
                await StandInErrors.ForStatus(context, refused).ExecuteAsync(context);
                return;
            }
            context.Items[TokenUsedKey] = verdict.TokenUsed;

            try
            {
                await next(context);
            }
            catch (Exception) when (!response.HasStarted)
            {
                // A stand-in bug must still look like an API 500 to the client under test; the test sees the status.
                response.StatusCode = StatusCodes.Status500InternalServerError;
            }
            if (!response.HasStarted && response.StatusCode >= 400)
                await StandInErrors.ForStatus(context, response.StatusCode).ExecuteAsync(context);
        });
        app.UseRouting();
    }

    public static WriteContext Write(HttpContext context) =>
        new(context.Request.Method, context.Request.Path.Value ?? "", context.Items[TokenUsedKey] as string ?? StandInAuth.TokenRole);
}
