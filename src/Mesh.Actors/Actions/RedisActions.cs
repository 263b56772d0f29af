using System.Net.Sockets;
using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using StackExchange.Redis;

namespace Mesh.Actors.Actions;

/// <summary>
/// <see cref="IRedisActions"/> with StackExchange.Redis: one multiplexer per server, connecting and reconnecting
/// in the background (a fence's <c>CLIENT KILL</c> from another node drops it too). Role changes and
/// configuration go through <see cref="IServer"/> commands sent to this one server; the only write is the epoch
/// key's compare-and-set. The multiplexer's own publishes and tie-breaker are switched off: a server whose writes
/// are paused would hold them, and every command queued behind them on the same connection.
/// </summary>
public sealed partial class RedisActions : IRedisActions
{
    private readonly string _endpoint;
    private readonly string? _password;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _connectTimeout;
    private readonly Task<ConnectionMultiplexer> _connection;

    /// <param name="endpoint">host:port</param>
    /// <param name="password">the resolved password, or null</param>
    /// <param name="timeout">the bound on each command</param>
    /// <param name="connectTimeout">the bound on connecting, and on waiting for a reconnection before an action</param>
    public RedisActions(string endpoint, string? password, TimeSpan timeout, TimeSpan connectTimeout)
    {
        _endpoint = endpoint;
        _password = password;
        _timeout = timeout;
        _connectTimeout = connectTimeout;
        var options = new ConfigurationOptions
        {
            EndPoints = { endpoint },
            Password = password,
            ConnectTimeout = (int)connectTimeout.TotalMilliseconds,
            AsyncTimeout = (int)timeout.TotalMilliseconds,
            SyncTimeout = (int)timeout.TotalMilliseconds,
            AbortOnConnectFail = false,
            AllowAdmin = true,   // CONFIG, REPLICAOF, CLIENT KILL and CLIENT PAUSE are admin commands
            ClientName = "health-mesh-actions",
            ConfigurationChannel = "",
            TieBreaker = "",
            // A command given while disconnected fails at once: queued, it would be sent whenever the connection
            // came back, long after the action had reported failure (a late CONFIG SET or REPLICAOF).
            BacklogPolicy = BacklogPolicy.FailFast,
        };
        _connection = ConnectionMultiplexer.ConnectAsync(options);
    }

    /// <summary>The actions on a configured Redis target, its password resolved (an unresolvable one fails in words, without its value).</summary>
    public static RedisActions For(TargetOptions target, IConfigEnvironment environment, TimeSpan timeout, TimeSpan connectTimeout)
    {
        if (target.Kind != TargetKinds.Redis || target.Endpoint is null)
            throw new ArgumentException($"target '{target.Id}' is not a redis target with an endpoint", nameof(target));
        string? password = null;
        if (target.Password is { Length: > 0 } reference)
        {
            var resolved = Secrets.Resolve(reference, environment);
            password = resolved.Ok ? resolved.Value : throw new ArgumentException($"target '{target.Id}': Password: {resolved.Error}", nameof(target));
        }
        return new RedisActions(target.Endpoint, password, timeout, connectTimeout);
    }

    /// <summary>How a refusal names this server: <c>redis host:port</c>.</summary>
    private string Resource => $"redis {_endpoint}";

    public async Task<RedisReading> ReadAsync(CancellationToken cancellationToken)
    {
        var mux = await ConnectedAsync(cancellationToken);
        return await ReadAsync(mux, staleEpochRead: false, cancellationToken);
    }

    /// <summary>
    /// One reading. With <paramref name="staleEpochRead"/>, a replica that refuses reads while its master link is
    /// down (<c>replica-serve-stale-data no</c>, the case of a failover) is allowed stale reads for the one read of
    /// the epoch, so that the epoch is checked before a promotion rather than after it.
    /// </summary>
    private async Task<RedisReading> ReadAsync(ConnectionMultiplexer mux, bool staleEpochRead, CancellationToken ct)
    {
        var server = Server(mux);
        var info = await RunServedWhenStaleAsync("INFO replication", () => server.InfoRawAsync("replication"), ct) ?? "";
        var config = await RunServedWhenStaleAsync("CONFIG GET min-replicas-*", () => server.ConfigGetAsync("min-replicas-*"), ct);
        var (epoch, epochError) = await ReadEpochAsync(mux, staleEpochRead, ct);
        return RedisFence.Read(_endpoint, info, config.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal), epoch, epochError);
    }

    private static IServer Server(ConnectionMultiplexer mux) => mux.GetServer(mux.GetEndPoints()[0]);

    /// <summary>The multiplexer once it is connected; waits up to the connect timeout for a reconnection.</summary>
    private async Task<ConnectionMultiplexer> ConnectedAsync(CancellationToken ct)
    {
        ConnectionMultiplexer mux;
        try
        {
            mux = await _connection.WaitAsync(_connectTimeout, ct);
        }
        catch (TimeoutException)
        {
            throw NotConnected(await WhyNotConnectedAsync(null));
        }
        if (mux.IsConnected) return mux;
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRestored(object? sender, ConnectionFailedEventArgs e) => restored.TrySetResult();
        mux.ConnectionRestored += OnRestored;
        try
        {
            if (!mux.IsConnected) await restored.Task.WaitAsync(_connectTimeout, ct);
            return mux;
        }
        catch (TimeoutException)
        {
            throw NotConnected(await WhyNotConnectedAsync(mux));
        }
        finally
        {
            mux.ConnectionRestored -= OnRestored;
        }
    }

    /// <summary>
    /// Why there is no connection, in words: the client's last connection failure as a command given now (failing
    /// fast) reports it; when it does not say, whether the server accepts a TCP connection at all.
    /// </summary>
    private async Task<string> WhyNotConnectedAsync(ConnectionMultiplexer? mux)
    {
        ConnectionFailureType? failure = null;
        try
        {
            if (mux is not null) await Server(mux).PingAsync().WaitAsync(_timeout);
        }
        catch (RedisConnectionException e)
        {
            // "no connection available", with the last connection's own failure inside when there was one
            failure = (e.InnerException as RedisConnectionException)?.FailureType ?? e.FailureType;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // no failure type to tell: the TCP check below says what it can
        }
        switch (failure)
        {
            case ConnectionFailureType.AuthenticationFailure: return "the password was refused";
            case null or ConnectionFailureType.None or ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.UnableToConnect:
                break;
            case { } other: return other.ToString();
        }
        if (RedisEndpoint.TryParse(_endpoint, out _) is not { } endpoint || !await AcceptsConnectionAsync(endpoint, CancellationToken.None))
            return "no connection could be made";
        return "the server accepts connections but the handshake did not complete: wrong password?";
    }

    private RedisActionException NotConnected(string why) =>
        new(_endpoint, $"cannot reach redis {_endpoint}: not connected within {_connectTimeout.TotalMilliseconds:0} ms ({why})");

    /// <summary>One command, bounded by the command timeout, its failure told in words.</summary>
    private async Task<T> RunAsync<T>(string what, Func<Task<T>> command, CancellationToken ct)
    {
        try
        {
            return await command().WaitAsync(_timeout, ct);
        }
        catch (Exception e) when (e is RedisException or TimeoutException && !ct.IsCancellationRequested)
        {
            throw Failed(what, e);
        }
    }

    /// <summary>
    /// A command Redis serves even on a replica cut off from its master (INFO, CONFIG). Under load the client was
    /// seen to receive the cut-off replica's MASTERDOWN refusal for such a command (once in about 45 full test runs,
    /// never in isolation), so that refusal is retried a few times before it counts as the read's failure.
    /// </summary>
    private async Task<T> RunServedWhenStaleAsync<T>(string what, Func<Task<T>> command, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunAsync(what, command, ct);
            }
            catch (RedisActionException e) when (attempt < StaleRefusalAttempts && e.Message.Contains("MASTERDOWN", StringComparison.Ordinal))
            {
                await Task.Delay(StaleRefusalPause, ct);
            }
        }
    }

    private const int StaleRefusalAttempts = 3;
    private static readonly TimeSpan StaleRefusalPause = TimeSpan.FromMilliseconds(50);

    private Task RunAsync(string what, Func<Task> command, CancellationToken ct) =>
        RunAsync(what, async () => { await command(); return true; }, ct);

    private RedisActionException Failed(string what, Exception e)
    {
        var why = e switch
        {
            TimeoutException or RedisTimeoutException => $"no answer within {_timeout.TotalMilliseconds:0} ms",
            RedisConnectionException { InnerException: SocketException s } => $"connection lost ({s.SocketErrorCode})",
            RedisConnectionException c => $"connection lost ({c.FailureType})",
            RedisServerException => $"the server answered: {ProbeErrors.FirstLine(e.Message)}",
            _ => ProbeErrors.FirstLine(e.Message),
        };
        return new RedisActionException(_endpoint, Scrub($"redis {_endpoint}: {what} failed: {why}"));
    }

    // The words come from the server and the client library, neither of which should echo the password; this makes sure.
    private string Scrub(string message) =>
        _password is { Length: > 0 } p ? message.Replace(p, "***", StringComparison.Ordinal) : message;

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsCompletedSuccessfully) await _connection.Result.DisposeAsync();
        else _ = _connection.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
    }
}
