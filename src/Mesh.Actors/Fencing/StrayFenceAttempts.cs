using Mesh.Actors.Actions;
using Mesh.Actors.Failover;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Fencing;

public enum StrayFenceResult
{
    /// <summary>The rule left the server alone (the reason says why).</summary>
    LeftAlone,
    /// <summary>Dry-run: it would have been fenced; nothing was done.</summary>
    WouldFence,
    /// <summary>The fence succeeded.</summary>
    Fenced,
    /// <summary>The fence ran but did not succeed (prepared transactions, sessions that would not end, ...); tried again later.</summary>
    NotFenced,
    /// <summary>The server records a newer epoch than the stored one (rule 10): a newer decision stands; nothing was changed.</summary>
    NewerEpoch,
    /// <summary>The majority read, the reading or the fence failed; tried again on a later observation.</summary>
    Failed,
}

/// <summary>
/// What one attempt on one target came to, in words without connection strings or passwords (servers are named by
/// host:port). Local only: the fencer logs it and publishes it on its node's event stream.
/// </summary>
/// <param name="Epoch">The stored epoch the fence was (or would have been) under; null when none was attempted.</param>
/// <param name="Detail">What the fence found and did, when one ran.</param>
public sealed record StrayFenceOutcome(string TargetId, StrayFenceResult Result, Epoch? Epoch, string Reason, string? Detail = null)
{
    public static StrayFenceOutcome Failed(string targetId, string why) => new(targetId, StrayFenceResult.Failed, null, why);
}

/// <summary>
/// One attempt on one target, in the order rule 5 asks for: a majority read of the stored state, a fresh reading
/// of the server, <see cref="StrayPrimaryRule"/>, then the fence under the stored epoch. The resource refuses a
/// fence when it records a newer epoch (rule 10), so a read that raced a newer decision changes nothing.
/// </summary>
public sealed class StrayFenceAttempts(MeshOptions options, IStateMajorityReader store, IResourceActions actions)
{
    public async Task<StrayFenceOutcome> RunAsync(TargetOptions target, CancellationToken cancellationToken)
    {
        var id = target.Id!;
        FailoverState? stored;
        switch (await store.ReadMajorityAsync(cancellationToken))
        {
            case StateFound found: stored = found.State; break;
            case NoStateStored: stored = null; break;
            case StateReadFailed failed: return StrayFenceOutcome.Failed(id, $"the majority read of the stored state failed: {failed.Reason}");
            case var other: return StrayFenceOutcome.Failed(id, $"the majority read answered {other.GetType().Name}");
        }
        if (StrayPrimaryRule.Before(stored, target, options.Failover) is { } early) return Left(id, early);

        var server = target.Kind == TargetKinds.Postgres
            ? ServerFinding.Of(await actions.Postgres(target).ReadAsync(cancellationToken))
            : ServerFinding.Of(await actions.Redis(target).ReadAsync(cancellationToken));
        var verdict = StrayPrimaryRule.Decide(stored, target, server, options.Failover);
        switch (verdict.Action)
        {
            case StrayAction.LeaveAlone: return Left(id, verdict);
            case StrayAction.LogOnly: return new StrayFenceOutcome(id, StrayFenceResult.WouldFence, verdict.Epoch, verdict.Reason);
        }

        var epoch = verdict.Epoch!.Value;
        try
        {
            return target.Kind == TargetKinds.Postgres
                ? await FencePostgresAsync(target, epoch, verdict.Reason, cancellationToken)
                : await FenceRedisAsync(target, stored!, epoch, verdict.Reason, cancellationToken);
        }
        catch (StaleEpochException e)
        {
            return new StrayFenceOutcome(id, StrayFenceResult.NewerEpoch, epoch, verdict.Reason, e.Message);
        }
    }

    private static StrayFenceOutcome Left(string id, StrayVerdict verdict) => new(id, StrayFenceResult.LeftAlone, null, verdict.Reason);

    private async Task<StrayFenceOutcome> FencePostgresAsync(TargetOptions target, Epoch epoch, string reason, CancellationToken ct)
    {
        var mode = options.Failover.Fencing.Postgres == PostgresFencing.ReadOnly ? FenceMode.ReadOnly : FenceMode.Strict;
        var result = await actions.Postgres(target).FenceAsync(epoch, mode, ct);
        // A server that went into recovery since the reading is a standby: never fenced, and nothing is left to do.
        var outcome = result.Outcome switch
        {
            ActionOutcome.Succeeded => StrayFenceResult.Fenced,
            ActionOutcome.SkippedStandby => StrayFenceResult.LeftAlone,
            _ => StrayFenceResult.NotFenced,
        };
        return new StrayFenceOutcome(target.Id!, outcome, epoch, reason, result.ToString());
    }

    /// <summary>Like the plan's fence: the stray follows its group's member in the active region when there is one.</summary>
    private async Task<StrayFenceOutcome> FenceRedisAsync(TargetOptions target, FailoverState stored, Epoch epoch, string reason, CancellationToken ct)
    {
        var successor = options.GroupMemberIn(target, stored.ActiveRegion);
        var report = await actions.Redis(target).FenceAsync(epoch, successor?.Endpoint, ct);
        var detail = report.Persisted ? report.Summary : $"{report.Summary} (not persisted: {report.NotPersisted}; the fence holds until a restart)";
        return new StrayFenceOutcome(target.Id!, StrayFenceResult.Fenced, epoch, reason, detail);
    }
}
