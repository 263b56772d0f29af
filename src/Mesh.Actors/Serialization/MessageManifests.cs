using System.Collections.Frozen;
using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;
using Mesh.Contracts.Messages;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Serialization;

/// <summary>
/// The stable wire name of every cross-node message. A manifest, once shipped, never changes meaning:
/// nodes of two versions must understand each other during a rolling upgrade.
/// </summary>
public static class MessageManifests
{
    private static readonly (Type Type, string Manifest)[] Entries =
    [
        (typeof(GetCoordinatorStatus), "coord-status?"),
        (typeof(CoordinatorStatus), "coord-status"),
        (typeof(TargetObserved), "target-observed"),
        (typeof(GetProbeState), "probe-state?"),
        (typeof(ProbeState), "probe-state"),
        (typeof(LoadBalancerObserved), "lb-observed"),
        (typeof(PollVotes), "poll-votes"),
        (typeof(VotesAnswer), "votes"),
        (typeof(GetFailoverStatus), "failover-status?"),
        (typeof(FailoverStatus), "failover-status"),
        (typeof(GetFailoverHistory), "failover-history?"),
        (typeof(FailoverHistory), "failover-history"),
        (typeof(GetRegions), "regions?"),
        (typeof(RegionsView), "regions"),
        (typeof(PauseFailover), "pause"),
        (typeof(ResumeFailover), "resume"),
        (typeof(RequestFailover), "failover!"),
        (typeof(RequestSwitchover), "switchover!"),
        (typeof(RequestAdopt), "adopt!"),
        (typeof(CommandAnswer), "command-answer"),
        (typeof(FailoverState), "failover-state"),
        (typeof(FailoverStateRegister), "failover-state-register"),
        (typeof(LeaseRequest), "lease?"),
        (typeof(LeaseGrant), "lease-grant"),
        (typeof(LeaseRefusal), "lease-refusal"),
        (typeof(StoppedGranting), "lease-stopped"),
        (typeof(GuardReport), "guard-report"),
        (typeof(GetReplicationPairs), "replication-pairs?"),
        (typeof(ReplicationPairs), "replication-pairs"),
    ];

    public static readonly FrozenDictionary<Type, string> ByType = Entries.ToFrozenDictionary(e => e.Type, e => e.Manifest);
    public static readonly FrozenDictionary<string, Type> ByManifest = Entries.ToFrozenDictionary(e => e.Manifest, e => e.Type, StringComparer.Ordinal);
}
