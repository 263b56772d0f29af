using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

// The chaos lab's writer: a client of the shop inside one region's namespace. Every Interval it writes the next
// numbered row to PostgreSQL in whichever region the DNS record (read from DigitalOcean, as a resolver with a
// 1 s TTL would) points at, and appends one line per attempt to its journal:
//   ack <n> <host> <unix ms>          the server at host acknowledged (committed) row n
//   fail <n> <host> <unix ms> <why>   it did not
// Arguments: <writer name> <journal> <records url> <value=host,...> <interval ms> [stubborn]; secrets in the
// environment: CHAOS_DO_TOKEN, CHAOS_PG_PASSWORD. A records url of the form pin:<host> writes to that host whatever
// DNS says; `stubborn` makes every write fight a fence the way a misbehaving client would: it turns the session's
// read-only default off and opens its transaction with BEGIN READ WRITE before inserting.
if (args.Length is not (5 or 6) || args.Length == 6 && args[5] != "stubborn")
{
    Console.Error.WriteLine("usage: Mesh.Chaos.Writer <name> <journal> <records-url|pin:host> <value=host,...> <interval-ms> [stubborn]");
    return 2;
}
var (name, journalPath, recordsUrl) = (args[0], args[1], args[2]);
var pinned = recordsUrl.StartsWith("pin:", StringComparison.Ordinal) ? recordsUrl["pin:".Length..] : null;
var stubborn = args.Length == 6;
var hosts = args[3].Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
var interval = TimeSpan.FromMilliseconds(int.Parse(args[4], CultureInfo.InvariantCulture));
var password = Environment.GetEnvironmentVariable("CHAOS_PG_PASSWORD") ?? "";
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Environment.GetEnvironmentVariable("CHAOS_DO_TOKEN"));
await using var journal = new StreamWriter(journalPath, append: true) { AutoFlush = true };
var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

string? value = null;
var resolvedAt = DateTime.MinValue;
long n = 0;
while (!stop.IsCancellationRequested)
{
    var started = DateTime.UtcNow;
    if (pinned is null && started - resolvedAt > TimeSpan.FromSeconds(1))
    {
        try
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync(recordsUrl, stop.Token));
            value = doc.RootElement.GetProperty("domain_records").EnumerateArray()
                .Where(r => r.GetProperty("type").GetString() == "A").Select(r => r.GetProperty("data").GetString()).FirstOrDefault() ?? value;
            resolvedAt = started;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException) { }
    }
    n++;
    var host = pinned ?? (value is not null && hosts.TryGetValue(value, out var h) ? h : null);
    var unixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    if (host is null)
    {
        await journal.WriteLineAsync($"fail {n} - {unixMs} no address for the record's value {value}");
    }
    else
    {
        try
        {
            var cs = new NpgsqlConnectionStringBuilder { Host = host, Username = "postgres", Password = password, Database = "postgres", Timeout = 2, CommandTimeout = 2, Pooling = false }.ConnectionString;
            await using var connection = new NpgsqlConnection(cs);
            await connection.OpenAsync(stop.Token);
            if (stubborn)
            {
                await using var unfence = new NpgsqlCommand("SET default_transaction_read_only = off", connection);
                await unfence.ExecuteNonQueryAsync(stop.Token);
                await using var begin = new NpgsqlCommand("BEGIN READ WRITE", connection);
                await begin.ExecuteNonQueryAsync(stop.Token);
            }
            await using var insert = new NpgsqlCommand("INSERT INTO chaos_writes (id, writer) VALUES (@id, @writer)", connection);
            insert.Parameters.AddWithValue("id", $"{name}-{n}");
            insert.Parameters.AddWithValue("writer", name);
            await insert.ExecuteNonQueryAsync(stop.Token);
            if (stubborn)
            {
                await using var commit = new NpgsqlCommand("COMMIT", connection);
                await commit.ExecuteNonQueryAsync(stop.Token);
            }
            await journal.WriteLineAsync($"ack {n} {host} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            if (stop.IsCancellationRequested) break;
            await journal.WriteLineAsync($"fail {n} {host} {unixMs} {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
    var rest = interval - (DateTime.UtcNow - started);
    if (rest > TimeSpan.Zero)
    {
        try { await Task.Delay(rest, stop.Token); } catch (OperationCanceledException) { break; }
    }
}
return 0;
