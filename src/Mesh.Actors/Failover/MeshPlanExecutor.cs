using Mesh.Actors.Actions;
using Mesh.Actors.DigitalOcean;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>
/// Runs the plan's steps against the real servers and DigitalOcean (SPEC 6 rules 5, 6, 10). Each step carries
/// the move's epoch to the resource, which refuses it when it records a newer one; each is idempotent. The
/// fence step fences what it can reach and reports what it achieved; the coordinator judges the evidence.
/// </summary>
public sealed partial class MeshPlanExecutor(MeshOptions options, IResourceActions actions, IDnsSwitcher? dns, DigitalOceanClient? digitalOcean,
    NameServerCheck? nameServers = null) : IPlanExecutor
{
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PowerOffWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    public async Task<StepOutcome> RunAsync(Move move, string step, CancellationToken cancellationToken)
    {
        var (kind, subject) = PlanSteps.Parse(step);
        try
        {
            return kind switch
            {
                PlanSteps.Fence when move.Kind == DecisionKinds.Switchover => await SwitchoverFenceAsync(move, subject, cancellationToken),
                PlanSteps.Fence => await FenceAsync(move, subject, cancellationToken),
                PlanSteps.Unfence => await UnfenceAsync(move, subject, cancellationToken),
                // Leases follow the stored state: from promoting on, every grantor grants the new region (rule 4).
                PlanSteps.GrantLeases => StepOutcome.Done,
                PlanSteps.PromotePostgres => Outcome(await actions.Postgres(Target(subject)).PromoteAsync(move.Epoch, cancellationToken)),
                PlanSteps.PromoteRedis => await PromoteRedisAsync(move, Target(subject), cancellationToken),
                PlanSteps.SwitchDns => await SwitchDnsAsync(move, subject, cancellationToken),
                _ => StepOutcome.Failed($"unknown step kind '{kind}'"),
            };
        }
        catch (Exception e) when (e is StaleEpochException or PostgresActionException or RedisActionException or DigitalOceanApiException or TimeoutException)
        {
            return StepOutcome.Failed(e.Message);
        }
    }

    private async Task<StepOutcome> SwitchDnsAsync(Move move, string record, CancellationToken ct)
    {
        if (dns is null) return StepOutcome.Failed("no DNS provider is configured");
        var result = await dns.SwitchRecordAsync(record, move.From, move.To, move.Epoch, ct);
        return result.Confirmed ? StepOutcome.Done : StepOutcome.Failed(result.Error ?? "the record did not read back the new value");
    }

    public async Task<string?> NameServersAnsweredAsync(Move move, string step, CancellationToken cancellationToken)
    {
        var (kind, name) = PlanSteps.Parse(step);
        if (kind != PlanSteps.SwitchDns || nameServers is null || options.Failover.Dns is not { Domain: { } domain } config) return null;
        if (config.Records.FirstOrDefault(r => r.Name == name) is not { } record || !config.Values.TryGetValue(move.To, out var value)) return null;
        return await nameServers.WhenAnsweredAsync(domain, record, value, cancellationToken);
    }

    private TargetOptions Target(string id) => options.Targets.Single(t => t.Id == id);

    private static StepOutcome Outcome(PromoteResult r) => r.Succeeded ? StepOutcome.Done : StepOutcome.Failed(r.Reason ?? r.ToString());

    private static readonly TimeSpan RepointBudget = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Promotes the new region's Redis, then points the old primary at it. While the new one was still the old
    /// one's live replica the fence held writes back with min-replicas rather than cut the stream (which would
    /// lose acknowledged writes); now the old one can follow. Best effort: the old one stays fenced either way.
    /// </summary>
    private async Task<StepOutcome> PromoteRedisAsync(Move move, TargetOptions promoted, CancellationToken ct)
    {
        await actions.Redis(promoted).PromoteAsync(move.Epoch, ct);
        var old = options.GroupMemberIn(promoted, move.From);
        if (old is not null && options.Failover.Fencing.Redis != RedisFencing.None)
        {
            try
            {
                // Bounded: a dead old primary (a lost region) would otherwise hold the DNS switch for a whole connect timeout.
                await actions.Redis(old).FenceAsync(move.Epoch, promoted.Endpoint, ct).WaitAsync(RepointBudget, ct);
            }
            catch (Exception e) when (e is RedisActionException or StaleEpochException or TimeoutException)
            {
                // The old primary is unreachable, slow or newer: its fence (or a newer decision) stands.
            }
        }
        return StepOutcome.Done;
    }

    /// <summary>Fences every primary of the old region's groups and, when configured, powers off its droplets; reports what that proved.</summary>
    private async Task<StepOutcome> FenceAsync(Move move, string region, CancellationToken ct)
    {
        var failures = new List<string>();
        var fencing = options.Failover.Fencing;

        foreach (var pg in options.GroupMembersIn(region, TargetKinds.Postgres))
        {
            if (fencing.Postgres == PostgresFencing.None) continue;
            try
            {
                var r = await actions.Postgres(pg).FenceAsync(move.Epoch, fencing.Postgres == PostgresFencing.ReadOnly ? FenceMode.ReadOnly : FenceMode.Strict, ct);
                if (!r.Succeeded && r.Outcome != ActionOutcome.SkippedStandby) failures.Add($"{pg.Id}: {r.Reason}");
            }
            catch (Exception e) when (e is PostgresActionException or StaleEpochException)
            {
                failures.Add($"{pg.Id}: {e.Message}");
            }
        }
        foreach (var redis in options.GroupMembersIn(region, TargetKinds.Redis))
        {
            if (fencing.Redis == RedisFencing.None) continue;
            var successor = options.GroupMemberIn(redis, move.To);
            try
            {
                // A fence that could not be written to the config file still holds until a restart: not a failure.
                await actions.Redis(redis).FenceAsync(move.Epoch, successor?.Endpoint, ct);
            }
            catch (Exception e) when (e is RedisActionException or StaleEpochException)
            {
                failures.Add($"{redis.Id}: {e.Message}");
            }
        }

        bool? dropletsOff = null;
        if (fencing.PowerOffDroplets && digitalOcean is not null && fencing.DropletTags.TryGetValue(region, out var tag))
        {
            try
            {
                dropletsOff = await PowerOffAsync(digitalOcean, tag, ct);
            }
            catch (Exception e) when (e is DigitalOceanApiException or TimeoutException)
            {
                dropletsOff = false;
                failures.Add($"power-off of droplets tagged {tag}: {e.Message}");
            }
        }
        var confirmed = failures.Count == 0 && fencing.Postgres != PostgresFencing.None;
        return new StepOutcome(true, null, new FenceFacts(confirmed, failures, dropletsOff, LeaseExpired: false, PrimaryUnreachableFor: null, GuardsHoldPendingFence: false));
    }

    /// <summary>Shutdown, up to 10 s for <c>off</c>, then power_off polled until <c>off</c> (SPEC 3, PowerOffDroplets); a droplet already off counts.</summary>
    private static async Task<bool> PowerOffAsync(DigitalOceanClient api, string tag, CancellationToken ct)
    {
        var droplets = await api.ListDropletsByTagAsync(tag, ct);
        foreach (var droplet in droplets.Where(d => d.Status != "off"))
        {
            await api.ShutdownDropletAsync(droplet.Id, ct);
            if (await WaitOffAsync(api, droplet.Id, ShutdownWait, ct)) continue;
            var action = await api.PowerOffDropletAsync(droplet.Id, ct);
            await api.WaitForActionAsync(action, PowerOffWait, PollEvery, ct);
            if (!await WaitOffAsync(api, droplet.Id, PowerOffWait, ct)) return false;
        }
        // Read back: only droplets that the API reports off count as evidence.
        return (await api.ListDropletsByTagAsync(tag, ct)).All(d => d.Status == "off");
    }

    private static async Task<bool> WaitOffAsync(DigitalOceanClient api, long id, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            if ((await api.GetDropletAsync(id, ct)).Status == "off") return true;
            if (DateTimeOffset.UtcNow >= deadline) return false;
            await Task.Delay(PollEvery, ct);
        }
    }
}
