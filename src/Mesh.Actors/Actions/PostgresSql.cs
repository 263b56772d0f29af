using Npgsql;

namespace Mesh.Actors.Actions;

/// <summary>The few ways the actions talk to PostgreSQL.</summary>
internal static class PostgresSql
{
    /// <summary>
    /// A name from pg_database as a quoted identifier. Always quoting is exact: a quoted identifier is taken
    /// as written, case and all, and doubled quotes are the only escape it needs (names cannot hold NUL).
    /// </summary>
    public static string Ident(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static async Task<int> ExecAsync(NpgsqlConnection connection, string sql, CancellationToken ct, NpgsqlTransaction? tx = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, tx);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(ct))!;
    }

    public static async Task<List<string>> NamesAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var names = new List<string>();
        while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// Runs <paramref name="body"/> in one transaction that is read-write whatever the server's default: the
    /// fence turns the default read-only, and the mesh must still close databases and record its epoch. This
    /// is the very override that makes the read-only fence advisory.
    /// </summary>
    public static async Task ReadWriteAsync(NpgsqlConnection connection, Func<NpgsqlTransaction, Task> body, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await ExecAsync(connection, "SET TRANSACTION READ WRITE", ct, tx);
        await body(tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>"1 database", "3 databases".</summary>
    public static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
