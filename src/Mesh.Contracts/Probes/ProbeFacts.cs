namespace Mesh.Contracts.Probes;

/// <summary>
/// What one check learned about a target beyond healthy or not: the server's role and replication
/// positions. Positions are plain numbers (PostgreSQL LSNs as bytes, Redis replication offsets) so
/// that the lag between two probes' observations is a subtraction.
/// </summary>
public sealed record ProbeFacts
{
    public static readonly ProbeFacts None = new();

    /// <summary><see cref="ServerRoles.Primary"/>, <see cref="ServerRoles.Standby"/>, or null.</summary>
    public string? Role { get; init; }
    /// <summary>A primary's current write position (pg_current_wal_lsn, Redis master_repl_offset).</summary>
    public long? WritePosition { get; init; }
    /// <summary>A standby's received position (pg_last_wal_receive_lsn).</summary>
    public long? ReceivePosition { get; init; }
    /// <summary>A standby's replayed position (pg_last_wal_replay_lsn, Redis slave_repl_offset).</summary>
    public long? ReplayPosition { get; init; }
    /// <summary>Seconds since the last replayed transaction, 0 when the standby has replayed all it received.</summary>
    public double? LagSeconds { get; init; }
    public bool? ReplayPaused { get; init; }
    /// <summary>The WAL receiver's status (streaming, …) or Redis master_link_status (up, down).</summary>
    public string? UpstreamStatus { get; init; }
    public long? Timeline { get; init; }
    /// <summary>A primary's connected replicas (pg_stat_replication rows, Redis connected_slaves).</summary>
    public int? Replicas { get; init; }
    /// <summary>A load balancer's status as DigitalOcean reports it (active, new, errored), or null when unknown.</summary>
    public string? LoadBalancerStatus { get; init; }
    public DateTimeOffset? LoadBalancerStatusAt { get; init; }
    /// <summary>HTTP status code of the last answer, for http and loadbalancer targets.</summary>
    public int? HttpStatus { get; init; }
    /// <summary>
    /// A PostgreSQL primary found fenced by the mesh (read-only by default, its databases closed but the mesh's own):
    /// it refuses writes because the mesh made it, so a region vote counts it healthy (SPEC 6 rule 2).
    /// </summary>
    public bool? FencedByMesh { get; init; }
}
