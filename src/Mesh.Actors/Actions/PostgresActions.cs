using System.Diagnostics;
using Mesh.Contracts.Failover;
using Npgsql;

namespace Mesh.Actors.Actions;

/// <summary>
/// <see cref="IPostgresActions"/> over Npgsql, for one server, from its connection string with the password
/// resolved. The mesh works from its own database <c>healthmesh</c> on the server (same host, port and user),
/// which no fence closes. Pooled sessions serve the actions; confirmations come from new, unpooled ones.
/// The role needs what the fence uses: in practice superuser (ALTER SYSTEM, ALTER DATABASE on every database,
/// CREATE DATABASE on first contact, ending superusers' sessions, pg_promote); a missing privilege fails the
/// action with the server's words.
/// </summary>
public sealed class PostgresActions : IPostgresActions
{
    private readonly PostgresSessions _sessions;
    private readonly PostgresActionLimits _limits;

    public PostgresActions(string connectionString, PostgresActionLimits? limits = null)
    {
        _limits = limits ?? PostgresActionLimits.Default;
        _sessions = new PostgresSessions(connectionString, _limits);
    }

    public string Server => _sessions.Server;

    public Task<PostgresReading> ReadAsync(CancellationToken cancellationToken) =>
        RunAsync("read", async log =>
        {
            await using var session = await _sessions.OpenAsync(cancellationToken);
            log.Start("reading the server");
            return await PostgresReadingQuery.ReadAsync(session, Server, cancellationToken);
        }, cancellationToken);

    public Task<FencePrivileges> CheckFencePrivilegesAsync(CancellationToken cancellationToken) =>
        RunAsync("fence-readiness check", async log =>
        {
            await using var session = await _sessions.OpenAsync(cancellationToken);
            log.Start("reading the role's privileges");
            return await PostgresReadingQuery.PrivilegesAsync(session.Connection, Server, cancellationToken);
        }, cancellationToken);

    public Task<ReplayProgress> HasReplayedAsync(ulong lsn, CancellationToken cancellationToken) =>
        RunAsync("replay check", async log =>
        {
            await using var session = await _sessions.OpenAsync(cancellationToken);
            log.Start("reading the replay position");
            var (inRecovery, replayed) = await PostgresReadingQuery.ReplayAsync(session.Connection, cancellationToken);
            return new ReplayProgress(Server, lsn, inRecovery, replayed);
        }, cancellationToken);

    public Task<FenceResult> FenceAsync(Epoch epoch, FenceMode mode, CancellationToken cancellationToken) =>
        RunAsync(mode == FenceMode.Strict ? "strict fence" : "read-only fence", async log =>
        {
            var ct = cancellationToken;
            await using var session = await OpenLockedAsync(log, ct);
            var c = session.Connection;
            var before = await ReadBeforeAsync(session, log, ct);
            if (before.InRecovery)
                return new FenceResult(Server, mode, epoch, ActionOutcome.SkippedStandby,
                    "the server is in recovery: a standby is never fenced; nothing was done", [], 0, null);
            RefuseIfStale(before, epoch, "fence");

            var ended = 0;
            string? problem = null;
            if (mode == FenceMode.Strict)
            {
                log.Start("closing databases");
                log.Did(await PostgresFence.CloseDatabasesAsync(c, ct));
            }
            log.Start("setting the read-only default");
            log.Did(await PostgresFence.SetReadOnlyDefaultAsync(c, on: true, ct));
            // The read-only fence stops here: it changes the default, and any client may set its own.
            if (mode == FenceMode.Strict)
            {
                log.Start("ending client sessions");
                var termination = await PostgresFence.EndClientSessionsAsync(c, _limits.TerminateWithin, ct);
                // Our own idle pooled sessions were ended too: the pool must not hand them out.
                _sessions.ClearPool();
                ended = termination.Ended;
                log.Did(termination.Summary);
                problem = termination.Problem;

                log.Start("looking for prepared transactions");
                var prepared = await PostgresFence.PreparedTransactionsAsync(c, ct);
                if (prepared.Count == 0) log.Did("found no prepared transaction");
                else
                    problem = Join(problem,
                        $"{PostgresSql.Count(prepared.Count, "prepared transaction")} can still be committed ({string.Join("; ", prepared)}): " +
                        "a prepared transaction outlives its session; commit or roll it back (COMMIT PREPARED / ROLLBACK PREPARED, from its database), then fence again");
            }
            // Recorded even when the fence is not complete: what was done is this decision's, and an older one must not undo it.
            log.Start("recording the epoch");
            await PostgresEpochTable.WriteAsync(c, Server, "fence", epoch, ct);
            log.Did($"recorded epoch {epoch}");

            log.Start("confirming from a new session");
            var (after, problems) = await ConfirmAsync(r => PostgresConfirmation.FenceProblems(mode, epoch, r), wait: problem is null, ct);
            if (problem is null && problems.Count == 0) log.Did("confirmed from a new session");
            problem ??= problems.Count > 0 ? "not confirmed from a new session: " + string.Join("; ", problems) : null;
            return new FenceResult(Server, mode, epoch, problem is null ? ActionOutcome.Succeeded : ActionOutcome.Failed,
                problem, log.Done, ended, after);
        }, cancellationToken);

    public Task<PromoteResult> PromoteAsync(Epoch epoch, CancellationToken cancellationToken) =>
        RunAsync("promotion", async log =>
        {
            var ct = cancellationToken;
            var session = await OpenLockedAsync(log, ct);
            try
            {
                var before = await ReadBeforeAsync(session, log, ct);
                RefuseIfStale(before, epoch, "promotion");
                var promotedNow = false;
                if (before.InRecovery)
                {
                    log.Start("calling pg_promote");
                    promotedNow = true;
                    var promoted = await PromoteOnceAsync(session.Connection, ct);
                    log.Did(promoted
                        ? "called pg_promote, the point of no return"
                        : $"called pg_promote, the point of no return; it had not finished within {_limits.PromoteWait.TotalSeconds:0} s");
                    log.Start("waiting for the server to leave recovery");
                    if (!await LeftRecoveryAsync(session.Connection, promoted ? TimeSpan.FromSeconds(5) : _limits.PromoteWait, ct))
                        return new PromoteResult(Server, epoch, ActionOutcome.Failed,
                            "pg_promote was called but the server is still in recovery; it may still promote: read it again before anything else",
                            log.Done, promotedNow, null);
                    log.Did("confirmed it left recovery");
                }
                else
                {
                    log.Did($"found it already out of recovery on timeline {before.Timeline} ({(before.Epoch is { } e ? $"epoch {e} recorded" : "no epoch recorded")}); did not call pg_promote");
                }

                if (!session.OnMeshDatabase)
                {
                    // It was a standby whose primary never met the mesh: healthmesh can be created now.
                    await session.DisposeAsync();
                    session = await OpenLockedAsync(log, ct);
                }
                await OpenUpAsync(session.Connection, epoch, "promote", log, ct);
                var (after, problems) = await ConfirmOpenAsync(epoch, log, ct);
                return new PromoteResult(Server, epoch, problems is null ? ActionOutcome.Succeeded : ActionOutcome.Failed,
                    problems, log.Done, promotedNow, after);
            }
            finally
            {
                await session.DisposeAsync();
            }
        }, cancellationToken);

    public Task<UnfenceResult> UnfenceAsync(Epoch epoch, CancellationToken cancellationToken) =>
        RunAsync("unfence", async log =>
        {
            var ct = cancellationToken;
            await using var session = await OpenLockedAsync(log, ct);
            var before = await ReadBeforeAsync(session, log, ct);
            if (before.InRecovery)
                return new UnfenceResult(Server, epoch, ActionOutcome.SkippedStandby,
                    "the server is in recovery: a standby is never fenced, so there is nothing to lift; nothing was done", [], null);
            RefuseIfStale(before, epoch, "unfence");
            await OpenUpAsync(session.Connection, epoch, "unfence", log, ct);
            var (after, problems) = await ConfirmOpenAsync(epoch, log, ct);
            return new UnfenceResult(Server, epoch, problems is null ? ActionOutcome.Succeeded : ActionOutcome.Failed, problems, log.Done, after);
        }, cancellationToken);

    // Rule 5's opening, after pg_promote or for an unfence: databases open, read-only default reset, epoch recorded.
    private async Task OpenUpAsync(NpgsqlConnection c, Epoch epoch, string action, ActionLog log, CancellationToken ct)
    {
        log.Start("opening databases");
        log.Did(await PostgresFence.OpenDatabasesAsync(c, ct));
        log.Start("resetting the read-only default");
        log.Did(await PostgresFence.SetReadOnlyDefaultAsync(c, on: false, ct));
        log.Start("recording the epoch");
        await PostgresEpochTable.WriteAsync(c, Server, action, epoch, ct);
        log.Did($"recorded epoch {epoch}");
    }

    private async Task<(PostgresReading After, string? Problems)> ConfirmOpenAsync(Epoch epoch, ActionLog log, CancellationToken ct)
    {
        log.Start("confirming from a new session");
        var (after, problems) = await ConfirmAsync(r => PostgresConfirmation.OpenProblems(epoch, r), wait: true, ct);
        if (problems.Count == 0)
        {
            log.Did("confirmed from a new session");
            return (after, null);
        }
        return (after, "not confirmed from a new session: " + string.Join("; ", problems));
    }

    private async Task<bool> PromoteOnceAsync(NpgsqlConnection c, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_promote(wait => true, wait_seconds => @wait)", c);
        var wait = Math.Max(1, (int)_limits.PromoteWait.TotalSeconds);
        command.Parameters.AddWithValue("wait", wait);
        command.CommandTimeout = wait + (int)Math.Ceiling(_limits.CommandTimeout.TotalSeconds);
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<bool> LeftRecoveryAsync(NpgsqlConnection c, TimeSpan within, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (await PostgresSql.ScalarAsync<bool>(c, "SELECT pg_is_in_recovery()", ct))
        {
            if (clock.Elapsed > within) return false;
            await Task.Delay(100, ct);
        }
        return true;
    }

    // A new session each time, polled while the reload reaches new sessions; with wait false, one look.
    private async Task<(PostgresReading Reading, IReadOnlyList<string> Problems)> ConfirmAsync(
        Func<PostgresReading, IReadOnlyList<string>> problemsOf, bool wait, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            PostgresReading reading;
            await using (var fresh = await _sessions.OpenNewAsync(ct))
                reading = await PostgresReadingQuery.ReadAsync(fresh, Server, ct);
            var problems = problemsOf(reading);
            if (problems.Count == 0 || !wait || clock.Elapsed > _limits.ConfirmWithin) return (reading, problems);
            await Task.Delay(100, ct);
        }
    }

    private async Task<MeshSession> OpenLockedAsync(ActionLog log, CancellationToken ct)
    {
        log.Start("connecting");
        var session = await _sessions.OpenAsync(ct);
        try
        {
            log.Start("taking the mesh's lock on the server");
            await session.LockAsync(ct);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private async Task<PostgresReading> ReadBeforeAsync(MeshSession session, ActionLog log, CancellationToken ct)
    {
        log.Start("reading the server");
        return await PostgresReadingQuery.ReadAsync(session, Server, ct);
    }

    private void RefuseIfStale(PostgresReading before, Epoch epoch, string action)
    {
        if (before.Epoch is { } recorded && recorded > epoch)
            throw new StaleEpochException(Server, action, recorded, epoch);
    }

    private static string Join(string? a, string b) => a is null ? b : $"{a}; {b}";

    // Every failure to talk to the server becomes one exception in words, naming the step and what was done
    // before it; a lost session also empties the pool, so that a retry starts from a live one.
    private async Task<T> RunAsync<T>(string action, Func<ActionLog, Task<T>> run, CancellationToken ct)
    {
        var log = new ActionLog();
        try
        {
            return await run(log);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException
                                  || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            if (PostgresErrors.SessionLost(e)) _sessions.ClearPool();
            var done = log.Done.Count == 0 ? "" : $" (done before: {string.Join("; ", log.Done)})";
            var message = $"{Server}: {action} failed while {log.Step}: {PostgresErrors.Describe(e, _limits.CommandTimeout)}{done}";
            throw new PostgresActionException(Scrub(message), e);
        }
    }

    private string Scrub(string text) =>
        string.IsNullOrEmpty(_sessions.Password) ? text : text.Replace(_sessions.Password, "***", StringComparison.Ordinal);

    public ValueTask DisposeAsync() => _sessions.DisposeAsync();
}
