using Mesh.Contracts.Messages;

namespace Mesh.Contracts.Failover;

/// <summary>Asks a node's replication witness for the consistent lag observations it assembled (a new coordinator's first question).</summary>
public sealed record GetReplicationPairs : IMeshMessage
{
    public static readonly GetReplicationPairs Instance = new();
}

/// <summary>
/// One consistent lag observation (SPEC 6 rule 3): the group primary's write position and a standby's received
/// position from the same vantage within one Interval. Ages, not times: monotonic clocks never cross nodes.
/// </summary>
/// <param name="Age">How long before the answer was sent the pair was observed (the older of its two sightings).</param>
public sealed record ReplicationPair(string Vantage, string Standby, string Primary, long LagBytes, bool Follows, TimeSpan Age);

/// <summary>How long before the answer was sent a primary was last seen healthy, from any vantage.</summary>
public sealed record PrimarySighting(string Target, TimeSpan Age);

/// <summary>A witness's answer: every pair it remembers and when it last saw each primary.</summary>
public sealed record ReplicationPairs(string Node, IReadOnlyList<ReplicationPair> Pairs, IReadOnlyList<PrimarySighting> PrimariesLastSeen) : IMeshMessage;
