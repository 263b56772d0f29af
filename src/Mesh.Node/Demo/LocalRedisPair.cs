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
    private readonly string _root;

    private LocalRedisPair(string root)
    {
        _root = root;
    }

    public string Password { get; } = "redis-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    public int PrimaryPort { get; } = LocalPorts.Free();
    public int ReplicaPort { get; } = LocalPorts.Free();
    public static string Endpoint(int port) => $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts the primary, then the replica, and returns once the replica's link to the primary is up.</summary>
    public static async Task<LocalRedisPair> StartAsync(string root, CancellationToken ct)
    {
        var pair = new LocalRedisPair(await ShellCommand.OwnedDirectoryAsync(root, null, ct));
        try
        {
            await pair.LaunchAsync(pair.PrimaryPort, [], ct);
            await pair.LaunchAsync(pair.ReplicaPort, [("replicaof", $"127.0.0.1 {pair.PrimaryPort.ToString(CultureInfo.InvariantCulture)}")], ct);
            await LocalWait.UntilAsync(async () => (await pair.InfoAsync(pair.ReplicaPort, ct)).Contains("master_link_status:up", StringComparison.Ordinal),
                StartTimeout, "the Redis replica links to its primary", ct);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    private async Task LaunchAsync(int port, (string Name, string Value)[] more, CancellationToken ct)
    {
        var dir = Path.Combine(_root, port.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        (string Name, string Value)[] settings =
        [
            ("port", port.ToString(CultureInfo.InvariantCulture)), ("bind", "127.0.0.1"), ("save", "\"\""), ("appendonly", "no"), ("dir", dir),
            ("requirepass", Password), ("masterauth", Password), ("protected-mode", "no"),
            ("repl-diskless-sync-delay", "0"),   // a replica syncs at once, not after the 5 s wait for others to join
            .. more,
        ];
        var config = Path.Combine(dir, "redis.conf");
        await File.WriteAllLinesAsync(config, settings.Select(s => $"{s.Name} {s.Value}"), ct);
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(config);
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

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _servers.Values)
        {
            if (!p.HasExited)
            {
                p.Kill();
                await p.WaitForExitAsync();
            }
            p.Dispose();
        }
        Directory.Delete(_root, recursive: true);
    }
}
