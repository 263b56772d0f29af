using Mesh.Tests.Shared;
using System.Diagnostics;
using StackExchange.Redis;

namespace Mesh.Integration.Tests.Servers;

/// <summary>A real Redis primary and replica on loopback ports, with a password, stopped and removed afterwards.</summary>
public sealed class RedisPair : IAsyncLifetime
{
    private readonly Dictionary<int, Process> _servers = new();
    private string _root = "";

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
        await StartAsync(ReplicaPort, "--replicaof", "127.0.0.1", PrimaryPort.ToString());
        await Eventually.UntilAsync(async () => (await InfoAsync(ReplicaPort)).Contains("master_link_status:up", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the replica links to the primary");
    }

    private async Task StartAsync(int port, params string[] more)
    {
        var dir = Path.Combine(_root, port.ToString());
        Directory.CreateDirectory(dir);
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir,
                     "--requirepass", Password, "--masterauth", Password, "--protected-mode", "no" }.Concat(more))
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _servers[port] = process;
        await Eventually.UntilAsync(async () => (await InfoAsync(port)).Length > 0, TimeSpan.FromSeconds(30), $"redis on {port} answers");
    }

    public async Task KillAsync(int port)
    {
        var p = _servers[port];
        p.Kill();
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
