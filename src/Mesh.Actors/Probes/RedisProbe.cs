using System.Diagnostics;
using System.Globalization;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;
using StackExchange.Redis;

namespace Mesh.Actors.Probes;

/// <summary>
/// A Redis check: PING, then INFO replication for the role, the link to the master and the
/// replication offsets. One ConnectionMultiplexer per target, connecting and reconnecting in the background.
/// </summary>
public sealed class RedisProbe : IProbe
{
    private readonly ProbeSettings _settings;
    private readonly string _endpoint;
    private readonly Task<ConnectionMultiplexer> _connection;
    private volatile string? _lastFailure;

    public RedisProbe(string endpoint, string? password, ProbeSettings settings)
    {
        _settings = settings;
        _endpoint = endpoint;
        var options = new ConfigurationOptions
        {
            EndPoints = { endpoint },
            Password = password,
            ConnectTimeout = (int)settings.ConnectTimeout.TotalMilliseconds,
            AsyncTimeout = (int)settings.Timeout.TotalMilliseconds,
            SyncTimeout = (int)settings.Timeout.TotalMilliseconds,
            AbortOnConnectFail = false,   // keep trying in the background; a check reports "not connected"
            AllowAdmin = true,
            ClientName = "health-mesh-probe",
            KeepAlive = Math.Max(1, (int)settings.Interval.TotalSeconds * 5),
        };
        _connection = ConnectionMultiplexer.ConnectAsync(options);
        _connection.ContinueWith(t =>
        {
            t.Result.ConnectionFailed += (_, e) => _lastFailure = e.FailureType.ToString();
            t.Result.ConnectionRestored += (_, _) => _lastFailure = null;
        }, TaskContinuationOptions.OnlyOnRanToCompletion);
    }

    // Why the multiplexer is not connected, as far as it said (AuthenticationFailure, SocketFailure, ...).
    private string NotConnected() => $"not connected to {_endpoint}{(_lastFailure is { } why ? $" ({why})" : "")}";

    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var mux = await _connection.WaitAsync(_settings.CheckBudget, cancellationToken);
            if (!mux.IsConnected) return CheckResult.Fail(clock.Elapsed, NotConnected());
            var server = mux.GetServer(mux.GetEndPoints()[0]);
            clock.Restart();
            await server.PingAsync().WaitAsync(_settings.Timeout, cancellationToken);
            var latency = clock.Elapsed;
            var info = await server.InfoRawAsync("replication").WaitAsync(_settings.Timeout, cancellationToken);
            return CheckResult.Pass(latency, Parse(info ?? ""));
        }
        catch (Exception e) when (e is RedisException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var connected = _connection.IsCompletedSuccessfully && _connection.Result.IsConnected;
            return CheckResult.Fail(clock.Elapsed, e is RedisConnectionException || !connected ? NotConnected() : ProbeErrors.Describe(e, _settings.Timeout));
        }
    }

    /// <summary>The facts in an <c>INFO replication</c> answer.</summary>
    public static ProbeFacts Parse(string info)
    {
        var fields = info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        long? Number(string key) => fields.TryGetValue(key, out var v) && long.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : null;
        var primary = fields.GetValueOrDefault("role") == "master";
        return new ProbeFacts
        {
            Role = primary ? ServerRoles.Primary : ServerRoles.Standby,
            WritePosition = primary ? Number("master_repl_offset") : null,
            ReplayPosition = primary ? null : Number("slave_repl_offset"),
            UpstreamStatus = primary ? null : fields.GetValueOrDefault("master_link_status"),
            Replicas = primary ? (int?)Number("connected_slaves") : null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsCompletedSuccessfully) await _connection.Result.DisposeAsync();
        else _ = _connection.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
    }
}
