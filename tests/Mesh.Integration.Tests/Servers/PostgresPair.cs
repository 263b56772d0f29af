using Mesh.Tests.Shared;
using Npgsql;

namespace Mesh.Integration.Tests.Servers;

/// <summary>
/// A real PostgreSQL 15 primary and a streaming standby made with <c>pg_basebackup -R</c>, on loopback
/// ports, run as the postgres user in a private directory that is removed afterwards.
/// </summary>
public sealed class PostgresPair : IAsyncLifetime
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private const string User = "postgres";
    private string _root = "";

    public string Password { get; } = "pg-" + Guid.NewGuid().ToString("N")[..12];
    public int PrimaryPort { get; } = FreePorts.Next();
    public int StandbyPort { get; } = FreePorts.Next();
    private string PrimaryDir => Path.Combine(_root, "primary");
    private string StandbyDir => Path.Combine(_root, "standby");

    public string ConnectionString(int port) => ConnectionString(port, "postgres");

    public string ConnectionString(int port, string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Password = Password, Database = database, Pooling = false,
        }.ConnectionString;

    public async Task InitializeAsync()
    {
        _root = await Shell.OwnedDirectoryAsync("mesh-pg", User);
        var pwfile = Path.Combine(_root, "pw");
        await File.WriteAllTextAsync(pwfile, Password);
        if (Shell.IsRoot) await Shell.RunAsync("chown", [User, pwfile]);
        await Shell.RunAsync($"{Bin}/initdb", ["-D", PrimaryDir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={pwfile}", "-E", "UTF8", "--no-sync"], User);
        await AppendAsync(Path.Combine(PrimaryDir, "postgresql.conf"), PrimaryPort);
        await PgCtlAsync(PrimaryDir, "start");
        await Shell.RunAsync($"{Bin}/pg_basebackup", ["-h", "127.0.0.1", "-p", PrimaryPort.ToString(), "-U", "postgres", "-D", StandbyDir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"],
            User, new Dictionary<string, string> { ["PGPASSWORD"] = Password });
        await AppendAsync(Path.Combine(StandbyDir, "postgresql.conf"), StandbyPort);
        await StartStandbyAsync();
    }

    // Both servers get the same settings: a hot standby needs max_prepared_transactions at least the primary's
    // (the fence tests prepare transactions).
    private async Task AppendAsync(string conf, int port)
    {
        var settings = $"\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{_root}'\nfsync = off\nmax_wal_senders = 5\nhot_standby = on\nwal_receiver_status_interval = 1s\nmax_prepared_transactions = 5\n";
        await Shell.RunAsync("sh", ["-c", $"cat >> '{conf}' <<'EOF'\n{settings}\nEOF"], User);
    }

    private Task PgCtlAsync(string dir, string action, params string[] more) =>
        Shell.RunAsync($"{Bin}/pg_ctl", ["-D", dir, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60", action, .. more], User);

    /// <summary>
    /// What an operator does after a failover before switching back (README): the old primary, stopped, is
    /// replaced by a fresh base backup of the promoted server and runs as its streaming standby on its old port.
    /// </summary>
    public async Task RebuildPrimaryAsStandbyAsync()
    {
        if (File.Exists(Path.Combine(PrimaryDir, "postmaster.pid"))) await PgCtlAsync(PrimaryDir, "stop", "-m", "fast");
        Directory.Delete(PrimaryDir, recursive: true);
        await Shell.RunAsync($"{Bin}/pg_basebackup", ["-h", "127.0.0.1", "-p", StandbyPort.ToString(), "-U", "postgres", "-D", PrimaryDir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"],
            User, new Dictionary<string, string> { ["PGPASSWORD"] = Password });
        await AppendAsync(Path.Combine(PrimaryDir, "postgresql.conf"), PrimaryPort);   // the copy says the standby's port; the last setting wins
        await PgCtlAsync(PrimaryDir, "start");
    }

    public Task StartStandbyAsync() => PgCtlAsync(StandbyDir, "start");
    public Task StopStandbyAsync() => PgCtlAsync(StandbyDir, "stop", "-m", "fast");

    public async Task ExecAsync(int port, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(port));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var dir in new[] { StandbyDir, PrimaryDir })
        {
            try
            {
                if (File.Exists(Path.Combine(dir, "postmaster.pid"))) await PgCtlAsync(dir, "stop", "-m", "immediate");
            }
            catch (InvalidOperationException)
            {
                // already stopped
            }
        }
        Directory.Delete(_root, recursive: true);
    }
}
