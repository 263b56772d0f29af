using System.Diagnostics;
using Mesh.Actors.Actions;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>
/// The planned switchover's fence (SPEC 6 rule 7) and the lifting of that fence when the switchover is abandoned.
/// </summary>
public sealed partial class MeshPlanExecutor
{
    private static readonly TimeSpan CatchUpPoll = TimeSpan.FromMilliseconds(100);

    // The held Redis writes must stay held past the catch-up wait, until the min-replicas fence replaces the pause;
    // if the coordinator dies first, the pause ends by itself and the resumed plan holds the writes again.
    private static readonly TimeSpan PauseMargin = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Strict-fences every PostgreSQL primary of the old region and holds its Redis writes, takes their positions
    /// once nothing more can commit, and waits until every successor in the new region has replayed past them.
    /// Only then is the Redis pause made a fence that outlives it. Whatever fails, or a successor that has not caught
    /// up within <c>Switchover.CatchUpTimeout</c>, aborts the move: a switchover promises zero data loss and never
    /// goes on without it. The wait is timed on this node's monotonic clock.
    /// </summary>
    private async Task<StepOutcome> SwitchoverFenceAsync(Move move, string region, CancellationToken ct)
    {
        var timeout = options.Failover.Switchover.CatchUpTimeout;
        var clock = Stopwatch.StartNew();
        try
        {
            var barriers = new List<Func<Task<(bool Reached, string Summary)>>>();
            foreach (var pg in options.GroupMembersIn(region, TargetKinds.Postgres))
            {
                var fence = await actions.Postgres(pg).FenceAsync(move.Epoch, FenceMode.Strict, ct);
                if (fence.Outcome == ActionOutcome.SkippedStandby) continue;
                if (fence.WalLsn is not { } lsn) return Abandon($"{pg.Id}: {fence.Reason ?? fence.ToString()}");
                if (options.GroupMemberIn(pg, move.To) is { } successor)
                    barriers.Add(async () =>
                    {
                        var replay = await actions.Postgres(successor).HasReplayedAsync(lsn, ct);
                        return (replay.Reached, $"{successor.Id} ({replay})");
                    });
            }

            var heldRedis = new List<(TargetOptions Old, TargetOptions Successor)>();
            if (options.Failover.Fencing.Redis != RedisFencing.None)
            {
                foreach (var redis in options.GroupMembersIn(region, TargetKinds.Redis))
                {
                    if (options.GroupMemberIn(redis, move.To) is not { } successor) continue;
                    var old = actions.Redis(redis);
                    if ((await old.ReadAsync(ct)).Role != RedisRole.Primary) continue;
                    await old.PauseWritesAsync(move.Epoch, timeout + PauseMargin, ct);
                    var offset = (await old.ReadAsync(ct)).MasterReplOffset;
                    barriers.Add(async () =>
                    {
                        var catchUp = await actions.Redis(successor).HasCaughtUpAsync(offset, ct);
                        return (catchUp.CaughtUp, $"{successor.Id} ({catchUp.Summary})");
                    });
                    heldRedis.Add((redis, successor));
                }
            }

            while (true)
            {
                var progress = new List<(bool Reached, string Summary)>();
                foreach (var barrier in barriers) progress.Add(await barrier());
                if (progress.All(p => p.Reached)) break;
                if (clock.Elapsed >= timeout)
                    return Abandon($"{move.To} did not catch up within Switchover.CatchUpTimeout ({timeout.TotalSeconds:0} s): " +
                        string.Join("; ", progress.Where(p => !p.Reached).Select(p => p.Summary)));
                await Task.Delay(CatchUpPoll, ct);
            }

            // The successor is still the old primary's live replica: min-replicas holds writes without cutting the stream.
            foreach (var (old, successor) in heldRedis) await actions.Redis(old).FenceAsync(move.Epoch, successor.Endpoint, ct);
            return new StepOutcome(true, null, new FenceFacts(true, [], null, LeaseExpired: false, PrimaryUnreachableFor: null, GuardsHoldPendingFence: false));
        }
        catch (Exception e) when (e is PostgresActionException or RedisActionException or StaleEpochException or TimeoutException)
        {
            return Abandon(e.Message);
        }
    }

    private static StepOutcome Abandon(string why) => new(false, why, AbortsMove: true);

    /// <summary>Lifts what an abandoned switchover's fence did to <paramref name="region"/>: PostgreSQL reopened, Redis writes let go.</summary>
    private async Task<StepOutcome> UnfenceAsync(Move move, string region, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var pg in options.GroupMembersIn(region, TargetKinds.Postgres))
        {
            try
            {
                var r = await actions.Postgres(pg).UnfenceAsync(move.Epoch, ct);
                if (!r.Succeeded && r.Outcome != ActionOutcome.SkippedStandby) failures.Add($"{pg.Id}: {r.Reason}");
            }
            catch (Exception e) when (e is PostgresActionException or StaleEpochException)
            {
                failures.Add($"{pg.Id}: {e.Message}");
            }
        }
        foreach (var redis in options.GroupMembersIn(region, TargetKinds.Redis))
        {
            try
            {
                var server = actions.Redis(redis);
                if ((await server.ReadAsync(ct)).Role != RedisRole.Primary) continue;
                await server.UnpauseAsync(move.Epoch, ct);
                await server.UnfenceAsync(move.Epoch, ct);
            }
            catch (Exception e) when (e is RedisActionException or StaleEpochException)
            {
                failures.Add($"{redis.Id}: {e.Message}");
            }
        }
        return failures.Count == 0 ? StepOutcome.Done : StepOutcome.Failed(string.Join("; ", failures));
    }
}
