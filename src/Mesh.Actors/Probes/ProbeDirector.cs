using Akka.Actor;
using Akka.Cluster.Sharding;

namespace Mesh.Actors.Probes;

/// <summary>
/// Keeps every probe of this node's region running without anyone asking: every few seconds it asks
/// the region's shard region to start each target's entity (a no-op for running ones). After a node
/// of the region dies, this is what restarts its probes on the survivor once its shards move.
/// </summary>
public sealed class ProbeDirector : ReceiveActor, IWithTimers
{
    public ITimerScheduler Timers { get; set; } = null!;

    public ProbeDirector(IActorRef shardRegion, IReadOnlyList<string> targetIds, TimeSpan every)
    {
        Receive<Ensure>(_ =>
        {
            foreach (var id in targetIds) shardRegion.Tell(new ShardRegion.StartEntity(id));
        });
        Timers.StartPeriodicTimer("ensure", Ensure.Instance, TimeSpan.Zero, every);
    }

    public static Props Props(IActorRef shardRegion, IReadOnlyList<string> targetIds, TimeSpan every) =>
        Akka.Actor.Props.Create(() => new ProbeDirector(shardRegion, targetIds, every));

    private sealed record Ensure
    {
        public static readonly Ensure Instance = new();
    }
}
