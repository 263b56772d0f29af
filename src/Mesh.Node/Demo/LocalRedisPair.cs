using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Mesh.Node.Demo;

/// <summary>
/// The shop's Redis on this machine: a primary and a replica of it on loopback ports, with a password, each
/// from a config file of its own (so that the mesh's fence can CONFIG REWRITE it); disposing kills both and
/// removes their directory.
/// </summary>
public sealed class LocalRedisPair : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Dictionary<int, Process> _servers = [];
    private readonly Dictionary<int, string[]> _arguments = [];
    private readonly string _root;
    private readonly bool _configFiles;

    private LocalRedisPair(string root, bool configFiles)
    {
        _root = root;
        _configFiles = configFiles;
    }

    public string Password { get; } = "redis-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    public int PrimaryPort { get; } = LocalPorts.Free();
    public int ReplicaPort { get; } = LocalPorts.Free();
    public static string Endpoint(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The config file the server on <paramref name="port"/> runs from (what CONFIG REWRITE changes).</summary>
    public string ConfigFile(int port) => Path.Combine(_root, port.ToString(CultureInfo.InvariantCulture), "redis.conf");

    /// <summary>Starts the primary, then the replica, and returns once the replica's link to the primary is up.</summary>
    /// <param name="configFiles">Whether each server runs from a config file of its own (the default); without one, CONFIG REWRITE fails.</param>
    public static async Task<LocalRedisPair> StartAsync(string root, CancellationToken ct, bool configFiles = true)
    {
        var pair = new LocalRedisPair(await ShellCommand.OwnedDirectoryAsync(root, null, ct), configFiles);
        try
        {
            await pair.StartAsync(pair.PrimaryPort, [], ct);
            await pair.StartReplicaAsync(ct);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the replica afresh, following the primary, and returns once its link is up.</summary>
    public async Task StartReplicaAsync(CancellationToken ct = default)
    {
        await StartAsync(ReplicaPort, [("replicaof", $"127.0.0.1 {PrimaryPort.ToString(CultureInfo.InvariantCulture)}")], ct);
        await LocalWait.UntilAsync(async () => (await InfoAsync(ReplicaPort, ct)).Contains("master_link_status:up", StringComparison.Ordinal),
            StartTimeout, "the Redis replica links to its primary", ct);
    }

    /// <summary>Kills the server and starts it again as it was started (from its config file as CONFIG REWRITE left it); its data is gone.</summary>
    public async Task RestartAsync(int port, CancellationToken ct = default)
    {
        await KillAsync(port);
        await LaunchAsync(port, ct);
    }

    /// <summary>SIGKILL to one server, as a crash.</summary>
    public async Task KillAsync(int port)
    {
        if (!_servers.Remove(port, out var p)) return;
        if (!p.HasExited) p.Kill();
        await p.WaitForExitAsync();
        p.Dispose();
    }

    /// <summary>One server with the pair's settings and <paramref name="more"/> (name and value as in redis.conf), from its config file or from arguments alone.</summary>
    private async Task StartAsync(int port, (string Name, string Value)[] more, CancellationToken ct)
    {
        await KillAsync(port);
        var dir = Path.Combine(_root, port.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        (string Name, string Value)[] settings =
        [
            ("port", port.ToString(CultureInfo.InvariantCulture)), ("bind", "127.0.0.1"), ("save", ""), ("appendonly", "no"), ("dir", dir),
            ("requirepass", Password), ("masterauth", Password), ("protected-mode", "no"),
            ("repl-diskless-sync-delay", "0"),   // a replica syncs at once, not after the 5 s wait for others to join
            .. more,
        ];
        if (_configFiles)
        {
            await File.WriteAllLinesAsync(ConfigFile(port), settings.Select(s => $"{s.Name} {(s.Value.Length == 0 ? "\"\"" : s.Value)}"), ct);
            _arguments[port] = [ConfigFile(port)];
        }
        else
            _arguments[port] = settings.SelectMany(s => new[] { "--" + s.Name }.Concat(s.Value.Length == 0 ? [""] : s.Value.Split(' '))).ToArray();
        await LaunchAsync(port, ct);
    }

    private async Task LaunchAsync(int port, CancellationToken ct)
    {
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in _arguments[port]) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _servers[port] = process;
        await LocalWait.UntilAsync(async () => (await InfoAsync(port, ct)).Length > 0, StartTimeout, $"Redis on port {port} answers", ct);
    }

    /// <summary><c>INFO replication</c> of the server on <paramref name="port"/>, or "" when it does not answer.</summary>
    public async Task<string> InfoAsync(int port, CancellationToken ct)
    {
        try
        {
            await using var mux = await ConnectAsync(port);
            return await mux.GetServer(Endpoint(port)).InfoRawAsync("replication").WaitAsync(ct) ?? "";
        }
        catch (RedisConnectionException)
        {
            return "";
        }
    }

    /// <summary>A connection to one server (admin commands allowed), failing fast when it does not answer.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync(int port) =>
        ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { Endpoint(port) }, Password = Password, AllowAdmin = true, ConnectTimeout = 1000, AbortOnConnectFail = true,
        });

    /// <summary>Runs <paramref name="action"/> against one server's database.</summary>
    public async Task ExecAsync(int port, Func<IDatabase, Task> action)
    {
        await using var mux = await ConnectAsync(port);
        await action(mux.GetDatabase());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var port in _servers.Keys.ToList()) await KillAsync(port);
        Directory.Delete(_root, recursive: true);
    }
}
