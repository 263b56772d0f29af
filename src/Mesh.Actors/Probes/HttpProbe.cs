using System.Diagnostics;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// An HTTP check: the expected status (default 200) and, optionally, a substring of the body. One
/// HttpClient per target keeps its connection warm; while it is warm a check gets only Timeout, a
/// check that must connect first gets ConnectTimeout more.
/// </summary>
public sealed class HttpProbe : IProbe
{
    private const int MaxBodyChars = 64 * 1024;
    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly int _expectStatus;
    private readonly string? _expectBody;
    private readonly ProbeSettings _settings;
    private bool _warm;
    private CancellationTokenSource _timeout = new();

    public HttpProbe(Uri url, int? expectStatus, string? expectBody, ProbeSettings settings)
    {
        _url = url;
        _expectStatus = expectStatus ?? 200;
        _expectBody = expectBody;
        _settings = settings;
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 2,
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("health-mesh-probe");
    }

    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var budget = _warm ? _settings.Timeout : _settings.CheckBudget;
        // One timer source per probe, reset between checks: thousands of targets check every second.
        if (!_timeout.TryReset())
        {
            _timeout.Dispose();
            _timeout = new CancellationTokenSource();
        }
        _timeout.CancelAfter(budget);
        var cts = _timeout;
        using var outer = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), cts)
            : default;
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _client.GetAsync(_url, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var facts = new ProbeFacts { HttpStatus = (int)response.StatusCode };
            string? error = null;
            if ((int)response.StatusCode != _expectStatus)
                error = $"HTTP {(int)response.StatusCode} (expected {_expectStatus})";
            else if (_expectBody is not null)
            {
                var body = await ReadPrefixAsync(response, cts.Token);
                if (!body.Contains(_expectBody, StringComparison.Ordinal)) error = $"the body does not contain '{_expectBody}'";
            }
            _warm = true;
            return error is null ? CheckResult.Pass(clock.Elapsed, facts) : CheckResult.Fail(clock.Elapsed, error, facts);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            _warm = false;
            return CheckResult.Fail(clock.Elapsed, ProbeErrors.Describe(e, budget));
        }
    }

    private static async Task<string> ReadPrefixAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        var buffer = new char[MaxBodyChars];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), ct);
        return new string(buffer, 0, read);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _timeout.Dispose();
        return ValueTask.CompletedTask;
    }
}
