using Mesh.Tests.Shared;
using System.Diagnostics;
using StackExchange.Redis;

namespace Mesh.Integration.Tests.Servers;

/// <summary>A real Redis primary and replica on loopback ports, with a password, each from its own config file unless told otherwise; stopped and removed afterwards.</summary>
public sealed class RedisPair : IAsyncLifetime
{
    private readonly Dictionary<int, Process> _servers = new();
    private readonly Dictionary<int, string[]> _arguments = new();
    private string _root = "";

    /// <summary>Whether each server runs from a config file of its own (the default); without one, CONFIG REWRITE fails.</summary>
    public bool ConfigFiles { get; init; } = true;
    public string ConfigFile(int port) => Path.Combine(_root, port.ToString(), "redis.conf");

    public string Password { get; } = "redis-" + Guid.NewGuid().ToString("N")[..12];
    public int PrimaryPort { get; } = FreePorts.Next();
    public int ReplicaPort { get; } = FreePorts.Next();
    public string Endpoint(int port) => $"127.0.0.1:{port}";

    public async Task InitializeAsync()
    {
        _root = await Shell.OwnedDirectoryAsync("mesh-redis", null);
        await StartAsync(PrimaryPort);
        await StartReplicaAsync();
    }

    public async Task StartReplicaAsync()
    {
        await StartAsync(ReplicaPort, ("replicaof", $"127.0.0.1 {PrimaryPort}"));
        await Eventually.UntilAsync(async () => (await InfoAsync(ReplicaPort)).Contains("master_link_status:up", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the replica links to the primary");
    }

    /// <summary>
    /// Starts a server afresh with the pair's settings and <paramref name="more"/> (name, value as in redis.conf):
    /// from its own config file (so CONFIG REWRITE works), or from arguments alone when <see cref="ConfigFiles"/> is off.
    /// </summary>
    private async Task StartAsync(int port, params (string Name, string Value)[] more)
    {
        var dir = Path.Combine(_root, port.ToString());
        Directory.CreateDirectory(dir);
        (string Name, string Value)[] settings =
        [
            ("port", port.ToString()), ("bind", "127.0.0.1"), ("save", ""), ("appendonly", "no"), ("dir", dir),
            ("requirepass", Password), ("masterauth", Password), ("protected-mode", "no"),
            ("repl-diskless-sync-delay", "0"),   // a replica syncs at once, not after the 5 s wait for others to join
            .. more,
        ];
        if (ConfigFiles)
        {
            await File.WriteAllLinesAsync(ConfigFile(port), settings.Select(s => $"{s.Name} {(s.Value.Length == 0 ? "\"\"" : s.Value)}"));
            _arguments[port] = [ConfigFile(port)];
        }
        else
            _arguments[port] = settings.SelectMany(s => new[] { "--" + s.Name }.Concat(s.Value.Length == 0 ? [""] : s.Value.Split(' '))).ToArray();
        await LaunchAsync(port);
    }

    private async Task LaunchAsync(int port)
    {
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in _arguments[port]) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _servers[port] = process;
        await Eventually.UntilAsync(async () => (await InfoAsync(port)).Length > 0, TimeSpan.FromSeconds(30), $"redis on {port} answers");
    }

    /// <summary>Kills the server and starts it again as it was started (from its config file as CONFIG REWRITE left it); its data is gone.</summary>
    public async Task RestartAsync(int port)
    {
        await KillAsync(port);
        _servers.Remove(port, out var old);
        old?.Dispose();
        await LaunchAsync(port);
    }

    public async Task KillAsync(int port)
    {
        var p = _servers[port];
        if (!p.HasExited) p.Kill();
        await p.WaitForExitAsync();
    }

    public async Task<string> InfoAsync(int port)
    {
        try
        {
            await using var mux = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
            {
                EndPoints = { Endpoint(port) }, Password = Password, AllowAdmin = true, ConnectTimeout = 1000, AbortOnConnectFail = true,
            });
            return await mux.GetServer(Endpoint(port)).InfoRawAsync("replication") ?? "";
        }
        catch (RedisConnectionException)
        {
            return "";
        }
    }

    public async Task ExecAsync(int port, Func<IDatabase, Task> action)
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { Endpoint(port) }, Password = Password });
        await action(mux.GetDatabase());
    }


    public async Task DisposeAsync()
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
