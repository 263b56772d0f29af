using Mesh.Node.Demo;
using StackExchange.Redis;

namespace Mesh.Integration.Tests.Servers;

/// <summary>The demo's real Redis primary and replica (<see cref="LocalRedisPair"/>), one pair per test class, removed afterwards.</summary>
public sealed class RedisPair : IAsyncLifetime
{
    private LocalRedisPair _pair = null!;

    /// <summary>Whether each server runs from a config file of its own (the default); without one, CONFIG REWRITE fails.</summary>
    public bool ConfigFiles { get; init; } = true;

    public string Password => _pair.Password;
    public int PrimaryPort => _pair.PrimaryPort;
    public int ReplicaPort => _pair.ReplicaPort;
    public string Endpoint(int port) => LocalRedisPair.Endpoint(port);
    public string ConfigFile(int port) => _pair.ConfigFile(port);

    public async Task InitializeAsync() =>
        _pair = await LocalRedisPair.StartAsync(Path.Combine(Path.GetTempPath(), "mesh-redis-" + Guid.NewGuid().ToString("N")[..12]), CancellationToken.None, ConfigFiles);

    public Task StartReplicaAsync() => _pair.StartReplicaAsync();
    public Task RestartAsync(int port) => _pair.RestartAsync(port);
    public Task KillAsync(int port) => _pair.KillAsync(port);
    public Task<string> InfoAsync(int port) => _pair.InfoAsync(port, CancellationToken.None);
    public Task ExecAsync(int port, Func<IDatabase, Task> action) => _pair.ExecAsync(port, action);

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
