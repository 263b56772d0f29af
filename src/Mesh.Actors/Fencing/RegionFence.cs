using Mesh.Actors.Actions;
using Mesh.Actors.Failover;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Fencing;

/// <summary>
/// A guard's fence of its own region over the same actions the plan uses: PostgreSQL with the configured
/// <c>Fencing.Postgres</c>, Redis with the min-replicas fence (no <c>REPLICAOF</c>: the data stays for an unfence).
/// Each action reads the server first, skips a standby and refuses a newer epoch, so repeating it is safe.
/// </summary>
public sealed class RegionFence(MeshOptions options, IResourceActions actions) : IRegionFence
{
    public async Task<RegionFenceReport> FenceAsync(string region, Epoch epoch, CancellationToken cancellationToken)
    {
        var fencing = options.Failover.Fencing;
        var details = new List<string>();
        var ok = true;
        var stale = false;
        foreach (var pg in options.GroupMembersIn(region, TargetKinds.Postgres))
        {
            if (fencing.Postgres == PostgresFencing.None) break;
            try
            {
                var r = await actions.Postgres(pg).FenceAsync(epoch, fencing.Postgres == PostgresFencing.ReadOnly ? FenceMode.ReadOnly : FenceMode.Strict, cancellationToken);
                ok &= r.Succeeded || r.Outcome == ActionOutcome.SkippedStandby;
                details.Add($"{pg.Id}: {r.Reason}");
            }
            catch (StaleEpochException e)
            {
                stale = true;
                ok = false;
                details.Add($"{pg.Id}: {e.Message}");
            }
            catch (PostgresActionException e)
            {
                ok = false;
                details.Add($"{pg.Id}: {e.Message}");
            }
        }
        foreach (var redis in options.GroupMembersIn(region, TargetKinds.Redis))
        {
            if (fencing.Redis == RedisFencing.None) break;
            try
            {
                var r = await actions.Redis(redis).FenceAsync(epoch, null, cancellationToken);
                details.Add($"{redis.Id}: {r.Summary}");
            }
            catch (StaleEpochException e)
            {
                stale = true;
                ok = false;
                details.Add($"{redis.Id}: {e.Message}");
            }
            catch (RedisActionException e)
            {
                ok = false;
                details.Add($"{redis.Id}: {e.Message}");
            }
        }
        return new RegionFenceReport(ok, stale, details);
    }

    public async Task<FenceReadiness> CheckReadinessAsync(string region, CancellationToken cancellationToken)
    {
        if (options.Failover.Fencing.Postgres == PostgresFencing.None)
            return new FenceReadiness(false, "Fencing.Postgres is none: there is no fence to be ready for");
        var problems = new List<string>();
        var primaries = 0;
        Epoch? fenced = null;
        foreach (var pg in options.GroupMembersIn(region, TargetKinds.Postgres))
        {
            try
            {
                var server = actions.Postgres(pg);
                var p = await server.CheckFencePrivilegesAsync(cancellationToken);
                if (p.InRecovery) continue;
                primaries++;
                if (!p.CanFence) problems.Add($"{pg.Id}: {p.Reason}");
                var reading = await server.ReadAsync(cancellationToken);
                if (!reading.InRecovery && reading.Fenced) fenced = Max(fenced, reading.Epoch ?? Epoch.Zero);
            }
            catch (PostgresActionException e)
            {
                problems.Add($"{pg.Id}: {e.Message}");
            }
        }
        if (problems.Count > 0) return new FenceReadiness(false, string.Join("; ", problems), fenced);
        return primaries == 0
            ? new FenceReadiness(false, $"no PostgreSQL server of {region} is a primary: nothing to fence")
            : new FenceReadiness(true, $"reached {primaries} primar{(primaries == 1 ? "y" : "ies")} of {region} with the privileges the fence needs" +
                                       (fenced is { } f ? $"; a primary is fenced (epoch {f.Counter})" : ""), fenced);
    }

    private static Epoch Max(Epoch? a, Epoch b) => a is { } x && x > b ? x : b;
}
