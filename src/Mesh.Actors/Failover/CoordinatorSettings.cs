using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Failover;

/// <summary>What the coordinator needs of the configuration, in one place.</summary>
public sealed record CoordinatorSettings(
    MeshOptions Options,
    PolicySettings Policy,
    FenceSettings Fence,
    TimeSpan Interval,
    TimeSpan ObservationMaxAge,
    TimeSpan Cooldown,
    TimeSpan StepTimeout,
    TimeSpan StoreTimeout,
    TimeSpan MaxRetryDelay)
{
    public static CoordinatorSettings From(MeshOptions options)
    {
        var interval = options.Probes.Interval;
        var f = options.Failover;
        return new CoordinatorSettings(
            options,
            new PolicySettings(f.Mode, options.EffectiveQuorum, options.SiteRegions.Select(r => r.Name!).ToList(), interval * options.Probes.Fall, RoundJitter: interval / 10),
            new FenceSettings(f.Fencing.Postgres, f.Fencing.AcceptUnreachablePrimary, f.Lease.Duration),
            interval, f.ObservationMaxAge, f.Cooldown,
            // A switchover's fence step waits up to CatchUpTimeout for the new region; the bound is on a hung step, not that wait.
            StepTimeout: TimeSpan.FromMinutes(2) + f.Switchover.CatchUpTimeout, StoreTimeout: TimeSpan.FromSeconds(5), MaxRetryDelay: TimeSpan.FromSeconds(10));
    }

    /// <summary>The write lease's timings and Quorum, for evidence (c) and the guards' reports.</summary>
    public LeaseSettings Lease => LeaseSettings.From(Options.Failover.Lease, Options.EffectiveQuorum);

    /// <summary>Rounds are kept long enough to find the confirming round of rule 3, and a little more.</summary>
    public TimeSpan RoundRetention => Policy.ConfirmAfter + ObservationMaxAge + Interval * 2;
}
