using System.Globalization;
using Mesh.Actors.Hosting.Downing;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Hosting;

/// <summary>The cluster settings that Akka.Hosting's options do not expose, as HOCON derived from the options.</summary>
public static class ClusterHocon
{
    // Roles are written here, quoted, because Akka.Hosting writes ClusterOptions.Roles unquoted and ':' breaks HOCON.
    public static string From(MeshOptions o, IEnumerable<string> roles) => $$"""
        akka.cluster {
          roles = [{{string.Join(", ", roles.Select(r => $"\"{r}\""))}}]
          # SPEC 6 rule 12: region-aware downing in place of Akka's keep-majority resolver. It reads its
          # stable-after from the stock resolver's key, and the regions from health-mesh.downing.
          downing-provider-class = "{{RegionAwareDowningProvider.ClassName}}"
          split-brain-resolver.stable-after = {{Duration(o.Cluster.StableAfter)}}
          failure-detector {
            heartbeat-interval = {{Duration(o.Cluster.HeartbeatInterval)}}
            acceptable-heartbeat-pause = {{Duration(o.Cluster.AcceptableHeartbeatPause)}}
          }
          # A downed node leaves for good: its process exits and its supervisor restarts it as a new incarnation.
          run-coordinated-shutdown-when-down = on
          # A first seed that hears no seed answer within this joins itself: an island that never becomes Up
          # (ExpectedNodes) and never rejoins. Restarted at once, it can go unanswered while the others still gate
          # its address (akka.remote below); this leaves room for their answers (when every other seed answers
          # that it is not a member yet, the first seed joins itself at once, so a fresh start does not wait).
          seed-node-timeout = 10s
          # Probes run on their own timers, not on messages: idle passivation would stop them.
          sharding {
            state-store-mode = ddata
            remember-entities = off
            passivate-idle-entity-after = off
            distributed-data.durable.keys = []
          }
        }
        akka.remote {
          # How long an address whose connection failed is shut out (Akka's default is 5 s): a node restarted at the
          # same address is heard again after this, well within the first seed's seed-node-timeout.
          retry-gate-closed-for = 1s
        }
        health-mesh.downing {
          regions = [{{string.Join(", ", o.Regions.Select(r => $"\"{r.Name}\""))}}]
          initial-active-region = "{{o.InitialActiveRegion}}"
        }
        """;

    public static string Duration(TimeSpan t) => ((long)Math.Ceiling(t.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";
}
