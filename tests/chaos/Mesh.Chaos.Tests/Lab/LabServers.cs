using System.Security.Cryptography;
using Npgsql;
using Mesh.Tests.Shared;
using StackExchange.Redis;

namespace Mesh.Chaos.Tests.Lab;

/// <summary>
/// The shop's servers in the site regions' namespaces, on their standard ports at each region's address: a PostgreSQL
/// primary (nyc1) with a streaming standby (ams3) replicating over the region link, a Redis primary with its replica,
/// and an app server per site (a static "ok" at /healthz). The harness reaches each over the region's observer link.
/// </summary>
internal sealed class LabServers : IAsyncDisposable
{
    public const int PostgresPort = 5432;
    public const int RedisPort = 6379;
    public const int AppPort = 8080;
    private const string PgBin = "/usr/lib/postgresql/15/bin";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly NetLab _lab;
    private readonly string _root;
    private readonly Dictionary<string, LabProcess> _processes = new(StringComparer.Ordinal);

    private LabServers(NetLab lab, string root)
    {
        _lab = lab;
        _root = root;
    }

    public string PostgresPassword { get; } = "pg-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
    public string RedisPassword { get; } = "redis-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();

    /// <summary>The running server processes by name (<c>pg-nyc1</c>, <c>redis-ams3</c>, <c>app-nyc1</c>).</summary>
    public IReadOnlyDictionary<string, LabProcess> Processes => _processes;

    public static async Task<LabServers> StartAsync(NetLab lab, string root, string primary, string standby)
    {
        Directory.CreateDirectory(root);
        var servers = new LabServers(lab, root);
        try
        {
            await servers.StartPostgresAsync(primary, standby);
            await servers.StartRedisAsync(primary, replicaOf: null);
            await servers.StartRedisAsync(standby, replicaOf: primary);
            foreach (var site in new[] { primary, standby }) servers.StartApp(site);
            await servers.AwaitReplicationAsync(standby);
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
        return servers;
    }

    private string PgDir(string region) => Path.Combine(_root, "pg", region);

    /// <summary>A connection string for <paramref name="region"/>'s PostgreSQL over the observer link.</summary>
    public string Postgres(string region, string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = _lab.ObservedIp(region), Port = PostgresPort, Username = "postgres", Password = PostgresPassword, Database = database,
        Pooling = false, Timeout = 3, CommandTimeout = 3,
    }.ConnectionString;

    private async Task StartPostgresAsync(string primary, string standby)
    {
        await Sh.RunAsync("install", "-d", "-o", "postgres", "-m", "700", _root + "/pg");
        var pw = Path.Combine(_root, "pg", "pw");
        await File.WriteAllTextAsync(pw, PostgresPassword);
        await Sh.RunAsync("chown", "postgres", pw);
        var data = PgDir(primary);
        await Sh.RunAsync("runuser", "-u", "postgres", "--", $"{PgBin}/initdb", "-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
            $"--pwfile={pw}", "-E", "UTF8", "--no-sync");
        await AppendSettingsAsync(data);
        await File.AppendAllTextAsync(Path.Combine(data, "pg_hba.conf"), "host all all 0.0.0.0/0 scram-sha-256\nhost replication all 0.0.0.0/0 scram-sha-256\n");
        StartPostgres(primary);
        await AwaitPostgresAsync(primary);
        await CloneStandbyAsync(standby, primary);
    }

    // The standby is cloned from inside its own region, over the region link, so its primary_conninfo names the primary's region address.
    private async Task CloneStandbyAsync(string standby, string primary)
    {
        await Sh.RunAsync("ip", "netns", "exec", NetLab.Namespace(standby), "runuser", "-u", "postgres", "--", "env", $"PGPASSWORD={PostgresPassword}",
            $"{PgBin}/pg_basebackup", "-h", _lab.RegionIp(primary), "-p", $"{PostgresPort}", "-U", "postgres", "-D", PgDir(standby), "-R", "-X", "stream",
            "--checkpoint=fast", "--no-sync");
        StartPostgres(standby);
        await AwaitPostgresAsync(standby);
    }

    /// <summary>
    /// What the README's way back asks of the operator, for a region whose servers are stopped: its PostgreSQL
    /// rebuilt as a streaming standby of <paramref name="primary"/>'s (old data moved aside, a fresh base backup) and
    /// its Redis started as a replica; returns once both replicate.
    /// </summary>
    public async Task RebuildAsStandbyAsync(string region, string primary)
    {
        foreach (var name in new[] { $"pg-{region}", $"redis-{region}" })
        {
            if (!_processes.Remove(name, out var old)) continue;
            if (old.Running) throw new InvalidOperationException($"{name} is still running");
            await old.DisposeAsync();
        }
        Directory.Move(PgDir(region), PgDir(region) + ".old");
        await CloneStandbyAsync(region, primary);
        await StartRedisAsync(region, replicaOf: primary);
        await AwaitReplicationAsync(region);
    }

    // No Unix socket: in the data folder its lock file would be copied into the standby by pg_basebackup.
    private static async Task AppendSettingsAsync(string data) =>
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"),
            $"\nport = {PostgresPort}\nlisten_addresses = '*'\nunix_socket_directories = ''\nfsync = off\nmax_wal_senders = 5\nhot_standby = on\n" +
            "wal_receiver_status_interval = 1s\nwal_receiver_timeout = 10s\nmax_prepared_transactions = 5\n");

    private void StartPostgres(string region)
    {
        var name = $"pg-{region}";
        _processes[name] = LabProcess.Start(name, NetLab.Namespace(region), Path.Combine(_root, $"{name}.log"), $"{PgBin}/postgres", ["-D", PgDir(region)], asUser: "postgres");
    }

    private async Task AwaitPostgresAsync(string region) =>
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await using var c = new NpgsqlConnection(Postgres(region));
                await c.OpenAsync();
                return true;
            }
            catch (NpgsqlException) { return false; }
        }, StartTimeout, $"PostgreSQL in {region} accepts connections (log: {_processes[$"pg-{region}"].LogPath})");

    private async Task StartRedisAsync(string region, string? replicaOf)
    {
        var dir = Path.Combine(_root, $"redis-{region}");
        Directory.CreateDirectory(dir);
        var conf = Path.Combine(dir, "redis.conf");
        var lines = new List<string>
        {
            $"port {RedisPort}", "bind 0.0.0.0", "save \"\"", "appendonly no", $"dir {dir}", $"requirepass {RedisPassword}", $"masterauth {RedisPassword}",
            "protected-mode no", "repl-diskless-sync-delay 0",
        };
        if (replicaOf is not null) lines.Add($"replicaof {_lab.RegionIp(replicaOf)} {RedisPort}");
        await File.WriteAllLinesAsync(conf, lines);
        var name = $"redis-{region}";
        _processes[name] = LabProcess.Start(name, NetLab.Namespace(region), Path.Combine(_root, $"{name}.log"), "redis-server", [conf]);
        await Eventually.UntilAsync(async () => (await RedisInfoAsync(region)).Length > 0, StartTimeout, $"Redis in {region} answers");
    }

    /// <summary>The region's Redis over the observer link, failing fast when it does not answer.</summary>
    private Task<ConnectionMultiplexer> ConnectRedisAsync(string region) => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { { _lab.ObservedIp(region), RedisPort } }, Password = RedisPassword, ConnectTimeout = 2000, SyncTimeout = 2000, AbortOnConnectFail = true, AllowAdmin = true,
    });

    /// <summary>Whether the region's Redis accepts a write now (a replica, or a primary fenced with min-replicas, does not).</summary>
    public async Task<bool> RedisTakesWritesAsync(string region)
    {
        try
        {
            await using var mux = await ConnectRedisAsync(region);
            await mux.GetDatabase().ExecuteAsync("SET", "chaos:probe", DateTime.UtcNow.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return true;
        }
        catch (RedisException) { return false; }
    }

    /// <summary><c>INFO replication</c> of the region's Redis over the observer link, or "" when it does not answer.</summary>
    public async Task<string> RedisInfoAsync(string region)
    {
        try
        {
            await using var mux = await ConnectRedisAsync(region);
            return (await mux.GetServers()[0].InfoRawAsync("replication")) ?? "";
        }
        catch (RedisException) { return ""; }
    }

    private void StartApp(string region)
    {
        var dir = Path.Combine(_root, $"app-{region}");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "healthz"), "ok");
        var name = $"app-{region}";
        _processes[name] = LabProcess.Start(name, NetLab.Namespace(region), Path.Combine(_root, $"{name}.log"), "python3",
            ["-m", "http.server", $"{AppPort}", "--bind", "0.0.0.0", "--directory", dir]);
    }

    /// <summary>
    /// Starts a stopped server (<c>pg-</c>, <c>redis-</c> or <c>app-</c>) again from its data or config as it was (a machine powered on): the old primary
    /// comes back as a primary with whatever it had, as long as nothing rewrote its configuration.
    /// </summary>
    public async Task RestartAsync(string name)
    {
        if (_processes.TryGetValue(name, out var old))
        {
            if (old.Running) throw new InvalidOperationException($"{name} is still running");
            await old.DisposeAsync();
        }
        var (kind, region) = (name[..name.IndexOf('-', StringComparison.Ordinal)], name[(name.IndexOf('-', StringComparison.Ordinal) + 1)..]);
        switch (kind)
        {
            case "pg":
                StartPostgres(region);
                await AwaitPostgresAsync(region);
                break;
            case "redis":
                _processes[name] = LabProcess.Start(name, NetLab.Namespace(region), Path.Combine(_root, $"{name}.log"), "redis-server",
                    [Path.Combine(_root, name, "redis.conf")]);
                await Eventually.UntilAsync(async () => (await RedisInfoAsync(region)).Length > 0, StartTimeout, $"Redis in {region} answers");
                break;
            case "app":
                StartApp(region);
                break;
            default:
                throw new ArgumentException($"no server {name}");
        }
    }

    private async Task AwaitReplicationAsync(string standby)
    {
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                await using var c = new NpgsqlConnection(Postgres(standby));
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT status FROM pg_stat_wal_receiver", c);
                return await cmd.ExecuteScalarAsync() is "streaming";
            }
            catch (NpgsqlException) { return false; }
        }, StartTimeout, $"PostgreSQL in {standby} streams from the primary");
        await Eventually.UntilAsync(async () => (await RedisInfoAsync(standby)).Contains("master_link_status:up", StringComparison.Ordinal), StartTimeout, $"Redis in {standby} replicates");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes.Values) await p.DisposeAsync();
        _processes.Clear();
    }
}
