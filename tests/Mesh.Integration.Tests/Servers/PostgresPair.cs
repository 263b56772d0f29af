using Mesh.Node.Demo;

namespace Mesh.Integration.Tests.Servers;

/// <summary>
/// The demo's real PostgreSQL 15 primary and streaming standby (<see cref="LocalPostgresPair"/>), one pair per test
/// class, in a private directory that is removed afterwards.
/// </summary>
public sealed class PostgresPair : IAsyncLifetime
{
    private LocalPostgresPair _pair = null!;

    public string Password => _pair.Password;
    public int PrimaryPort => _pair.PrimaryPort;
    public int StandbyPort => _pair.StandbyPort;

    public string ConnectionString(int port) => _pair.ConnectionString(port);
    public string ConnectionString(int port, string database) => _pair.ConnectionString(port, database);

    public async Task InitializeAsync() =>
        _pair = await LocalPostgresPair.StartAsync(Path.Combine(Path.GetTempPath(), "mesh-pg-" + Guid.NewGuid().ToString("N")[..12]), CancellationToken.None);

    public Task StartStandbyAsync() => _pair.StartStandbyAsync();
    public Task StopStandbyAsync() => _pair.StopStandbyAsync();
    public Task RebuildPrimaryAsStandbyAsync() => _pair.RebuildPrimaryAsStandbyAsync();
    public Task ExecAsync(int port, string sql) => _pair.ExecAsync(port, sql);

    public async Task DisposeAsync() => await _pair.DisposeAsync();
}
