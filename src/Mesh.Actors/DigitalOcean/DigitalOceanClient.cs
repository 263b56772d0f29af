using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Mesh.Actors.Probes;

namespace Mesh.Actors.DigitalOcean;

/// <summary>
/// A small typed client of the DigitalOcean API v2 over one HttpClient (whose handler retries; see
/// <see cref="DigitalOceanResilience"/>). Reads use <c>token</c>; writes and actions use <c>actionsToken</c>
/// (default: <c>token</c>), so probe reads can never use up the budget an action needs. Tokens travel only in
/// each request's Authorization header: they are not kept on the HttpClient, logged, or put in exceptions.
/// </summary>
public sealed partial class DigitalOceanClient
{
    private const int PerPage = 200;
    private const int MaxPages = 1000;
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string _token;
    private readonly string _actionsToken;
    private RateLimit? _rateLimit;

    public DigitalOceanClient(HttpClient http, Uri apiUrl, string token, string? actionsToken = null)
    {
        _http = http;
        _base = apiUrl.AbsoluteUri.EndsWith('/') ? apiUrl : new Uri(apiUrl.AbsoluteUri + "/");
        _token = token;
        _actionsToken = actionsToken ?? token;
    }

    /// <summary>The rate-limit headers of the latest answer, null before the first.</summary>
    public RateLimit? RateLimit => Volatile.Read(ref _rateLimit);

    /// <summary>Checks that the token is valid (GET /v2/account).</summary>
    public async Task<Account> GetAccountAsync(CancellationToken cancellationToken) =>
        (await GetAsync<AccountEnvelope>("v2/account", "GET /v2/account", cancellationToken)).Account
        ?? throw Malformed("GET /v2/account", "account");

    private async Task<T> GetAsync<T>(string relative, string operation, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, relative, _token);
        return await SendAsync<T>(request, operation, ct);
    }

    private async Task<T> WriteAsync<T>(HttpMethod method, string relative, object body, string operation, CancellationToken ct, bool safeToRepeat = false)
    {
        using var request = Request(method, relative, _actionsToken);
        request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        if (safeToRepeat) request.Options.Set(DigitalOceanResilience.SafeToRepeat, true);
        return await SendAsync<T>(request, operation, ct);
    }

    /// <summary>Every item of a paged collection, following <c>links.pages.next</c>.</summary>
    private async Task<IReadOnlyList<TItem>> ListAsync<TPage, TItem>(string relative, string operation, CancellationToken ct)
        where TPage : IPage<TItem>
    {
        var items = new List<TItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? next = relative;
        while (next is not null)
        {
            if (!seen.Add(next) || seen.Count > MaxPages) throw Malformed(operation, "links.pages.next that does not end");
            var page = await GetAsync<TPage>(next, operation, ct);
            items.AddRange(page.Items ?? []);
            next = NextPage(page.Links?.Pages?.Next);
        }
        return items;
    }

    // Only the path and query of the absolute next link count: resolved against the configured address, the
    // same code works against the API, a validating proxy or a stand-in.
    private static string? NextPage(string? next) =>
        next is null ? null : Uri.TryCreate(next, UriKind.Absolute, out var uri) ? uri.PathAndQuery.TrimStart('/') : next.TrimStart('/');

    private HttpRequestMessage Request(HttpMethod method, string relative, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(_base, relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, string operation, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
                                      || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new DigitalOceanApiException(operation, null, null, ProbeErrors.FirstLine(e.Message), null, inner: e);
        }
        using (response)
        {
            var rateLimit = RateLimits.Read(response);
            if (rateLimit is not null) Volatile.Write(ref _rateLimit, rateLimit);
            if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, operation, rateLimit, ct);
            try
            {
                return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw Malformed(operation, "a body");
            }
            catch (JsonException e)
            {
                throw new DigitalOceanApiException(operation, (int)response.StatusCode, null, $"the answer is not the JSON expected: {e.Message}", RequestId(response));
            }
        }
    }

    private static async Task<DigitalOceanApiException> ErrorAsync(HttpResponseMessage response, string operation, RateLimit? rateLimit, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        ApiError? error = null;
        try
        {
            error = JsonSerializer.Deserialize<ApiError>(text, Json);
        }
        catch (JsonException)
        {
        }
        // godo's fallbacks: the raw body when it is not the error JSON, the x-request-id header when the body has no request_id.
        var message = error?.Message ?? (string.IsNullOrWhiteSpace(text) ? response.ReasonPhrase ?? "no message" : ProbeErrors.FirstLine(text[..Math.Min(text.Length, 300)]));
        return new DigitalOceanApiException(operation, (int)response.StatusCode, error?.Id, message, error?.RequestId ?? RequestId(response),
            RateLimits.RetryAfter(response, DateTimeOffset.UtcNow), rateLimit);
    }

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;

    private static DigitalOceanApiException Malformed(string operation, string missing) =>
        new(operation, null, null, $"the answer holds no {missing}", null);

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
