using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>
/// What a reading from a new session must show for an action to count as done, as the list of what does not
/// hold, in words (empty: confirmed). Pure, so that the rules can be read in one place.
/// </summary>
internal static class PostgresConfirmation
{
    public static IReadOnlyList<string> FenceProblems(FenceMode mode, Epoch epoch, PostgresReading r)
    {
        var problems = new List<string>();
        if (r.InRecovery) problems.Add("the server is in recovery");
        if (!r.ReadOnlyDefault) problems.Add("the configuration files do not set default_transaction_read_only = on");
        if (!r.ReadOnlyInEffect) problems.Add("a new session still reads default_transaction_read_only = off (not reloaded yet, or a role or database setting overrides it)");
        if (mode == FenceMode.Strict)
        {
            if (r.OpenDatabases.Count > 0) problems.Add($"still accepting connections: {string.Join(", ", r.OpenDatabases)}");
            if (r.ClientBackends > 0) problems.Add($"{PostgresSql.Count(r.ClientBackends, "client session")} still connected");
            if (r.PreparedTransactions > 0) problems.Add($"{PostgresSql.Count(r.PreparedTransactions, "prepared transaction")} left");
        }
        AddEpoch(problems, epoch, r);
        return problems;
    }

    /// <summary>After a promotion or an unfence: a primary that every client can connect to and write.</summary>
    public static IReadOnlyList<string> OpenProblems(Epoch epoch, PostgresReading r)
    {
        var problems = new List<string>();
        if (r.InRecovery) problems.Add("the server is still in recovery");
        if (r.ClosedDatabases.Count > 0) problems.Add($"still refusing connections: {string.Join(", ", r.ClosedDatabases)}");
        if (r.ReadOnlyDefault) problems.Add("the configuration files still set default_transaction_read_only = on");
        if (r.ReadOnlyInEffect) problems.Add("a new session still reads default_transaction_read_only = on (not reloaded yet, or a role or database setting sets it)");
        AddEpoch(problems, epoch, r);
        return problems;
    }

    private static void AddEpoch(List<string> problems, Epoch epoch, PostgresReading r)
    {
        if (r.Epoch != epoch) problems.Add($"it records {(r.Epoch is { } e ? $"epoch {e}" : "no epoch")}, not {epoch}");
    }
}
