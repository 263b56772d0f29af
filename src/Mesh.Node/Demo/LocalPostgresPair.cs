using System.Globalization;
using System.Security.Cryptography;
using Npgsql;

namespace Mesh.Node.Demo;

/// <summary>
/// The shop's PostgreSQL on this machine: a primary and a streaming standby made with <c>pg_basebackup -R</c>,
/// on loopback ports, run as the postgres user in a directory of their own that disposing removes.
/// </summary>
public sealed class LocalPostgresPair : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private const string User = "postgres";
    private readonly string _root;

    private LocalPostgresPair(string root)
    {
        _root = root;
    }

    public string Password { get; } = "pg-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    public int PrimaryPort { get; } = LocalPorts.Free();
    public int StandbyPort { get; } = LocalPorts.Free();
    private string PrimaryDir => Path.Combine(_root, "primary");
    private string StandbyDir => Path.Combine(_root, "standby");

    public string ConnectionString(int port, string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = User, Password = Password, Database = database, Pooling = false }.ConnectionString;

    /// <summary>initdb, start the primary, clone it into a standby and start that; in <paramref name="root"/>, which must not exist yet.</summary>
    public static async Task<LocalPostgresPair> StartAsync(string root, CancellationToken ct)
    {
        var pair = new LocalPostgresPair(await ShellCommand.OwnedDirectoryAsync(root, User, ct));
        try
        {
            await pair.InitAsync(ct);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    private async Task InitAsync(CancellationToken ct)
    {
        var pwfile = Path.Combine(_root, "pw");
        await File.WriteAllTextAsync(pwfile, Password, ct);
        if (ShellCommand.IsRoot) await ShellCommand.RunAsync("chown", [User, pwfile], ct: ct);
        await ShellCommand.RunAsync($"{Bin}/initdb", ["-D", PrimaryDir, "-U", User, "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={pwfile}", "-E", "UTF8", "--no-sync"], User, ct: ct);
        await AppendSettingsAsync(PrimaryDir, PrimaryPort, ct);
        await PgCtlAsync(PrimaryDir, ct, "start");
        await ShellCommand.RunAsync($"{Bin}/pg_basebackup", ["-h", "127.0.0.1", "-p", Port(PrimaryPort), "-U", User, "-D", StandbyDir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"],
            User, new Dictionary<string, string> { ["PGPASSWORD"] = Password }, ct);
        await AppendSettingsAsync(StandbyDir, StandbyPort, ct);
        await PgCtlAsync(StandbyDir, ct, "start");
    }

    // Both servers get the same settings (a hot standby needs max_prepared_transactions at least the primary's; the
    // fence refuses to report success while prepared transactions exist, which tests show); fsync off because
    // nothing here must survive a power cut of this machine.
    private Task AppendSettingsAsync(string dir, int port, CancellationToken ct)
    {
        var settings = $"\nport = {Port(port)}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{_root}'\nfsync = off\nmax_wal_senders = 5\nhot_standby = on\nwal_receiver_status_interval = 1s\nmax_prepared_transactions = 5\n";
        return ShellCommand.RunAsync("sh", ["-c", $"cat >> '{Path.Combine(dir, "postgresql.conf")}' <<'EOF'\n{settings}\nEOF"], User, ct: ct);
    }

    private Task PgCtlAsync(string dir, CancellationToken ct, params string[] action) =>
        ShellCommand.RunAsync($"{Bin}/pg_ctl", ["-D", dir, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60", .. action], User, ct: ct);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    public Task StartStandbyAsync(CancellationToken ct = default) => PgCtlAsync(StandbyDir, ct, "start");

    public Task StopStandbyAsync(CancellationToken ct = default) => PgCtlAsync(StandbyDir, ct, "stop", "-m", "fast");

    /// <summary>
    /// What an operator does after a failover before switching back (README): the old primary, stopped, is
    /// replaced by a fresh base backup of the promoted server and runs as its streaming standby on its old port.
    /// </summary>
    public async Task RebuildPrimaryAsStandbyAsync(CancellationToken ct = default)
    {
        if (File.Exists(Path.Combine(PrimaryDir, "postmaster.pid")))
        {
            try
            {
                await PgCtlAsync(PrimaryDir, ct, "stop", "-m", "fast");
            }
            catch (InvalidOperationException)
            {
                // Not running: a crashed primary leaves its pid file behind.
            }
        }
        Directory.Delete(PrimaryDir, recursive: true);
        await ShellCommand.RunAsync($"{Bin}/pg_basebackup", ["-h", "127.0.0.1", "-p", Port(StandbyPort), "-U", User, "-D", PrimaryDir, "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"],
            User, new Dictionary<string, string> { ["PGPASSWORD"] = Password }, ct);
        await AppendSettingsAsync(PrimaryDir, PrimaryPort, ct);   // the copy says the standby's port; the last setting wins
        await PgCtlAsync(PrimaryDir, ct, "start");
    }

    /// <summary>One statement on one server, as the postgres user.</summary>
    public async Task ExecAsync(int port, string sql, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(port));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// SIGKILL to the primary's postmaster: the server crashes as a machine would. Its sessions end as their
    /// backends notice the postmaster is gone, and nothing listens on its port any more.
    /// </summary>
    public void KillPrimary()
    {
        var pid = int.Parse(File.ReadLines(Path.Combine(PrimaryDir, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        if (!Signals.Send(pid, Signals.SigKill)) throw new InvalidOperationException($"the primary's postmaster (pid {pid}) could not be killed");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dir in new[] { StandbyDir, PrimaryDir }.Where(d => File.Exists(Path.Combine(d, "postmaster.pid"))))
        {
            try
            {
                await PgCtlAsync(dir, CancellationToken.None, "stop", "-m", "immediate");
            }
            catch (InvalidOperationException)
            {
                // Not running (the killed primary leaves its pid file behind).
            }
        }
        Directory.Delete(_root, recursive: true);
    }
}
