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
    /// <summary>How long server fences still running may go on once the droplets read back off.</summary>
    private static readonly TimeSpan ServerFenceGrace = TimeSpan.FromSeconds(1);

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

    /// <summary>
    /// Fences every primary of the old region's groups and, when configured, powers off its droplets; reports what that
    /// proved. The parts are independent and a dead host makes each wait out its timeouts, so they run together: the
    /// step takes as long as the slowest part, not their sum.
    /// </summary>
    private async Task<StepOutcome> FenceAsync(Move move, string region, CancellationToken ct)
    {
        var fencing = options.Failover.Fencing;
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var servers = (fencing.Postgres == PostgresFencing.None ? [] :
                options.GroupMembersIn(region, TargetKinds.Postgres).Select(pg => FencePostgresAsync(move, pg, fencing.Postgres, giveUp.Token)))
            .Concat(fencing.Redis == RedisFencing.None ? [] :
                options.GroupMembersIn(region, TargetKinds.Redis).Select(r => FenceRedisAsync(move, r, giveUp.Token)))
            .ToList();
        var power = fencing.PowerOffDroplets && digitalOcean is not null && fencing.DropletTags.TryGetValue(region, out var tag)
            ? PowerOffAsync(digitalOcean, tag, ct)
            : Task.FromResult<(bool?, string?)>((null, null));
        var (dropletsOff, powerFailure) = await power;
        var all = Task.WhenAll(servers);
        if (dropletsOff != true) await all;
        // Every droplet read back off is evidence (b) on its own, the strongest: a server fence still waiting on a
        // machine that is off can prove nothing more, and would hold the promotion for its connect timeouts. A fence
        // that is merely slower than the power-off gets a moment to finish, so that a live server is left whole.
        else if (await Task.WhenAny(all, Task.Delay(ServerFenceGrace, ct)) != all) await giveUp.CancelAsync();
        // Only after the power-off can a fence be given up; its late end is observed here, never awaited.
        var abandoned = servers.Where(t => !t.IsCompletedSuccessfully).ToList();
        foreach (var t in abandoned) _ = t.ContinueWith(static f => f.Exception, TaskContinuationOptions.OnlyOnFaulted);

        var failures = servers.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result)
            .Concat(servers.Where(t => t.IsFaulted && t.Exception!.GetBaseException() is not OperationCanceledException).Select(t => t.Exception!.GetBaseException().Message))
            .Append(powerFailure).OfType<string>().ToList();
        var confirmed = failures.Count == 0 && abandoned.Count == 0 && fencing.Postgres != PostgresFencing.None;
        return new StepOutcome(true, null, new FenceFacts(confirmed, failures, dropletsOff, LeaseExpired: false, PrimaryUnreachableFor: null, GuardsHoldPendingFence: false));
    }

    /// <summary>The strict (or read-only) fence of one PostgreSQL server; null when it holds or the server is a standby, else why not.</summary>
    private async Task<string?> FencePostgresAsync(Move move, TargetOptions pg, string mode, CancellationToken ct)
    {
        try
        {
            var r = await actions.Postgres(pg).FenceAsync(move.Epoch, mode == PostgresFencing.ReadOnly ? FenceMode.ReadOnly : FenceMode.Strict, ct);
            return r.Succeeded || r.Outcome == ActionOutcome.SkippedStandby ? null : $"{pg.Id}: {r.Reason}";
        }
        catch (Exception e) when (e is PostgresActionException or StaleEpochException)
        {
            return $"{pg.Id}: {e.Message}";
        }
    }

    /// <summary>The replica fence of one Redis server, pointed at its group's member in the new region; null when it holds, else why not.</summary>
    private async Task<string?> FenceRedisAsync(Move move, TargetOptions redis, CancellationToken ct)
    {
        try
        {
            // A fence that could not be written to the config file still holds until a restart: not a failure.
            await actions.Redis(redis).FenceAsync(move.Epoch, options.GroupMemberIn(redis, move.To)?.Endpoint, ct);
            return null;
        }
        catch (Exception e) when (e is RedisActionException or StaleEpochException)
        {
            return $"{redis.Id}: {e.Message}";
        }
    }

    /// <summary>
    /// Every droplet tagged <paramref name="tag"/> off, all at once: shutdown, up to 10 s for <c>off</c>, then power_off
    /// polled until <c>off</c> (SPEC 3, PowerOffDroplets); a droplet already off counts. Whether the API then reads
    /// them all off, and why not.
    /// </summary>
    private static async Task<(bool? Off, string? Failure)> PowerOffAsync(DigitalOceanClient api, string tag, CancellationToken ct)
    {
        try
        {
            var droplets = await api.ListDropletsByTagAsync(tag, ct);
            var off = await Task.WhenAll(droplets.Where(d => d.Status != "off").Select(d => PowerOffDropletAsync(api, d.Id, ct)));
            // Read back: only droplets that the API reports off count as evidence.
            return off.All(o => o) && (await api.ListDropletsByTagAsync(tag, ct)).All(d => d.Status == "off") ? (true, null) : (false, null);
        }
        catch (Exception e) when (e is DigitalOceanApiException or TimeoutException)
        {
            return (false, $"power-off of droplets tagged {tag}: {e.Message}");
        }
    }

    private static async Task<bool> PowerOffDropletAsync(DigitalOceanClient api, long id, CancellationToken ct)
    {
        await api.ShutdownDropletAsync(id, ct);
        if (await WaitOffAsync(api, id, ShutdownWait, ct)) return true;
        var action = await api.PowerOffDropletAsync(id, ct);
        await api.WaitForActionAsync(action, PowerOffWait, PollEvery, ct);
        return await WaitOffAsync(api, id, PowerOffWait, ct);
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
