using Akka.Actor;
using Mesh.Actors.Failover;
using Mesh.Actors.Fencing;
using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Hosting;

/// <summary>
/// Starts this node's region guard and ties it to the node's exit (SPEC 6 rule 4): a node the cluster downed lets
/// its guard fence before it goes (unless it renewed within RenewInterval); any other stop releases the lease.
/// </summary>
public static class GuardHosting
{
    public static IActorRef StartGuard(ActorSystem system, MeshOptions options, IRegionFence fence, IActorRef? coordinator, TimeProvider clock)
    {
        var lease = options.Failover.Lease;
        var settings = new GuardSettings(options.Node.Name!, options.Node.Region!, LeaseSettings.From(lease, options.EffectiveQuorum),
            ReadinessEvery: TimeSpan.FromSeconds(10), FenceTimeout: lease.FenceLead,
            DryRun: options.Failover.Mode == FailoverModes.DryRun);
        var guard = system.ActorOf(RegionGuard.Props(settings, new FailoverStateStore(system), new ClusterDirectory(system), fence, coordinator, clock), RegionGuard.Name);

        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "region-guard-exit", async () =>
        {
            var kind = shutdown.ShutdownReason is CoordinatedShutdown.ClusterDowningReason ? ExitKind.Downed : ExitKind.Terminated;
            try
            {
                await guard.Ask<RegionGuard.ExitDone>(new RegionGuard.Exiting(kind), lease.FenceLead);
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // The fence did not land within FenceLead; the lease's own end still bounds the region's writes.
            }
            return Akka.Done.Instance;
        });
        return guard;
    }
}
