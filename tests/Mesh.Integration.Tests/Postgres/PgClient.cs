using Mesh.Contracts.Failover;
using Npgsql;

namespace Mesh.Integration.Tests.Postgres;

/// <summary>What the shop's clients do in these tests: plain sessions, no pool.</summary>
internal static class PgClient
{
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static async Task ExecAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await ExecAsync(connection, sql);
    }

    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

/// <summary>Epochs for tests, increasing across every test of the run, so each test's decision is the newest.</summary>
internal static class TestEpochs
{
    private static long _counter = 100;

    public static Epoch Next() => new(Interlocked.Increment(ref _counter), "test");
}
