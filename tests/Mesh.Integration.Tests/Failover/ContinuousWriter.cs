using System.Collections.Concurrent;
using Mesh.Integration.Tests.Postgres;
using Mesh.Integration.Tests.Servers;

namespace Mesh.Integration.Tests.Failover;

/// <summary>
/// A shop under load during a move: one order after another, each committed to whichever PostgreSQL server takes it
/// and set in whichever Redis server takes it (the servers are tried in the order given, as a client whose DNS answer
/// changes would). Only what a server acknowledged is recorded: those are the writes a move must not lose.
/// </summary>
internal sealed class ContinuousWriter : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>Each acknowledged commit: the order, the server that took it, and when (since the writer started).</summary>
    public ConcurrentQueue<(int Id, string Server, TimeSpan At)> Committed { get; } = new();
    public ConcurrentQueue<(int Id, int Port)> Stored { get; } = new();

    /// <param name="postgres">Connection strings, in the order to try them.</param>
    /// <param name="redisPorts">Redis ports, in the order to try them.</param>
    /// <param name="table">A table with an <c>id int primary key</c>; each order is one row.</param>
    public ContinuousWriter(IReadOnlyList<string> postgres, IReadOnlyList<int> redisPorts, string redisPassword, string table = "orders") =>
        _running = Task.Run(() => RunAsync(postgres, redisPorts, redisPassword, table, _stop.Token));

    private async Task RunAsync(IReadOnlyList<string> postgres, IReadOnlyList<int> redisPorts, string redisPassword, string table, CancellationToken ct)
    {
        for (var id = 1; !ct.IsCancellationRequested; id++)
        {
            foreach (var server in postgres)
            {
                try
                {
                    await PgClient.ExecAsync(server, $"INSERT INTO {table} VALUES ({id})");
                    Committed.Enqueue((id, server, _clock.Elapsed));
                    break;
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or InvalidOperationException)
                {
                    // fenced, terminated, read-only or refused: the next server, or the next order
                }
            }
            foreach (var port in redisPorts)
            {
                try
                {
                    await using var client = await RespClient.ConnectAsync(port, redisPassword, "shop-writer");
                    if (await client.SendAsync("SET", $"order:{id}", "paid").WaitAsync(TimeSpan.FromSeconds(5), ct) != "OK") continue;
                    Stored.Enqueue((id, port));
                    break;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or EndOfStreamException or TimeoutException or InvalidDataException or Xunit.Sdk.XunitException)
                {
                    // killed by the fence, held past the wait, or refused
                }
            }
            await Task.Delay(5, CancellationToken.None);   // a steady stream, not a spin
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // stopped while waiting on an answer
        }
        _stop.Dispose();
    }
}
