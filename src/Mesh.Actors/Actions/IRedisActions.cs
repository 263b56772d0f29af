using Mesh.Contracts.Failover;

namespace Mesh.Actors.Actions;

/// <summary>
/// The failover's actions on one Redis server (SPEC 6 rules 5, 6, 7, 10). Every action reads the server
/// first, is refused with <see cref="StaleEpochException"/> when the server records a newer epoch under
/// <see cref="RedisFence.EpochKey"/>, does only what is missing (so a repeat after any failure is safe),
/// and returns what it found and did in words. Failures throw <see cref="RedisActionException"/>, whose
/// message names the server and never the password. Every command is bounded by the command timeout.
/// </summary>
public interface IRedisActions : IAsyncDisposable
{
    /// <summary>The server's role, replication link and offsets, recorded epoch and fence.</summary>
    Task<RedisReading> ReadAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The <c>replica</c> fence of rule 5. A primary records <paramref name="epoch"/> while it can still be
    /// written, then becomes a replica of <paramref name="replicaOf"/> (host:port) when that is given and accepts
    /// a connection, else refuses writes through <c>min-replicas-to-write</c>; then <c>CONFIG REWRITE</c> (so a
    /// restart keeps the fence; when it fails the report says why and the fence holds until a restart) and
    /// <c>CLIENT KILL TYPE normal</c> (clients reconnect and find the new primary). A read-only replica is
    /// already fenced. While <paramref name="replicaOf"/> is still this primary's own replica (listed by it, not
    /// yet promoted) the min-replicas fence is used instead, so the stream in flight to it is not cut: fence
    /// again after promoting it, and the primary follows it. A guard fencing its own region's primary passes
    /// null, which keeps the data for an unfence.
    /// </summary>
    Task<RedisFenceReport> FenceAsync(Epoch epoch, string? replicaOf, CancellationToken cancellationToken);

    /// <summary>
    /// Rule 6's promotion: <c>REPLICAOF NO ONE</c>, lift a min-replicas fence, <c>CONFIG REWRITE</c> (best
    /// effort, reported), record <paramref name="epoch"/>. A primary that already records it and takes writes
    /// is left alone.
    /// </summary>
    Task<RedisActionReport> PromoteAsync(Epoch epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Lifts a min-replicas fence from a primary and records <paramref name="epoch"/>. A replica cannot be
    /// unfenced (it would need a promotion): that fails in words.
    /// </summary>
    Task<RedisActionReport> UnfenceAsync(Epoch epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Rule 7's fence for a planned switchover: records <paramref name="epoch"/>, then <c>CLIENT PAUSE
    /// &lt;ms&gt; WRITE</c>, which holds every client's writes (and the primary's replication offset) until
    /// <see cref="UnpauseAsync"/> or until <paramref name="duration"/> ends. The epoch goes first because a
    /// paused server takes no writes, the mesh's included; a fence under the same epoch then finds it recorded.
    /// </summary>
    Task<RedisActionReport> PauseWritesAsync(Epoch epoch, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary><c>CLIENT UNPAUSE</c> (a switchover's abort, or its end), then records <paramref name="epoch"/> when the server takes writes.</summary>
    Task<RedisActionReport> UnpauseAsync(Epoch epoch, CancellationToken cancellationToken);

    /// <summary>
    /// On a replica: whether it has replayed up to <paramref name="offset"/>, a primary's
    /// <see cref="RedisReading.MasterReplOffset"/> taken after its writes were paused.
    /// </summary>
    Task<RedisCatchUp> HasCaughtUpAsync(long offset, CancellationToken cancellationToken);
}

public enum RedisRole
{
    Primary,
    Replica,
}

/// <summary>What <see cref="IRedisActions.ReadAsync"/> found on one server.</summary>
public sealed record RedisReading
{
    public required string Endpoint { get; init; }
    public required RedisRole Role { get; init; }
    /// <summary>A replica's master as host:port.</summary>
    public string? Master { get; init; }
    /// <summary>A replica's <c>master_link_status</c>: <c>up</c> or <c>down</c>.</summary>
    public string? MasterLinkStatus { get; init; }
    /// <summary><c>master_repl_offset</c>: on a primary, how far its replication stream has gone.</summary>
    public long MasterReplOffset { get; init; }
    /// <summary>A replica's <c>slave_repl_offset</c>: how far it has replayed its master's stream.</summary>
    public long? ReplicaReplOffset { get; init; }
    public int ConnectedReplicas { get; init; }
    /// <summary>A primary's replicas as it lists them: address, state and acknowledged offset.</summary>
    public IReadOnlyList<RedisReplicaLink> Replicas { get; init; } = [];
    /// <summary>The epoch under <see cref="RedisFence.EpochKey"/>; null when none is recorded or it could not be read (see <see cref="EpochUnreadable"/>).</summary>
    public Epoch? RecordedEpoch { get; init; }
    /// <summary>Why the epoch key could not be read or understood, in words; null when it was.</summary>
    public string? EpochUnreadable { get; init; }
    public int MinReplicasToWrite { get; init; }
    public int MinReplicasMaxLag { get; init; }
    /// <summary>A replica's <c>replica-read-only</c>.</summary>
    public bool ReplicaReadOnly { get; init; } = true;

    /// <summary>A primary fenced by <c>min-replicas-to-write</c> at a value no deployment meets.</summary>
    public bool MinReplicasFenced => RedisFence.IsUnmeetable(MinReplicasToWrite, MinReplicasMaxLag);

    /// <summary>Whether a client's write would be taken: a primary that is not min-replicas fenced, or a writable replica.</summary>
    public bool AcceptsWrites => Role == RedisRole.Primary ? !MinReplicasFenced : !ReplicaReadOnly;

    /// <summary>
    /// Refuses client writes: a min-replicas fenced primary or a read-only replica. A primary demoted by the mesh
    /// is one of the latter; once it has resynchronised from its new master (whose keys replace its own) nothing
    /// on it tells it apart from a replica that was always one, so this does not try.
    /// </summary>
    public bool Fenced => !AcceptsWrites;

    public string Summary => RedisFence.Describe(this);
}

/// <summary>One replica in a primary's <c>INFO replication</c>: where it is, its state (<c>online</c>, ...) and the offset it acknowledged.</summary>
public sealed record RedisReplicaLink(RedisEndpoint Endpoint, string State, long Offset);

public enum RedisFenceMethod
{
    /// <summary><c>REPLICAOF</c> the new primary's server.</summary>
    ReplicaOf,
    /// <summary><c>min-replicas-to-write</c> no deployment meets: writes fail with NOREPLICAS.</summary>
    MinReplicas,
    /// <summary>It was already a read-only replica (of another server than the one named, if any).</summary>
    ReadOnlyReplica,
}

/// <summary>
/// What a fence found and did. <see cref="NotPersisted"/> says why <c>CONFIG REWRITE</c> failed (the fence then
/// holds until the server restarts); <see cref="ClientsDisconnected"/> is null when <c>CLIENT KILL</c> failed or
/// was not needed (an existing client's writes fail either way).
/// </summary>
public sealed record RedisFenceReport(
    string Endpoint,
    Epoch Epoch,
    RedisFenceMethod Method,
    bool AlreadyFenced,
    long? ClientsDisconnected,
    string? NotPersisted,
    IReadOnlyList<string> Steps)
{
    public bool Persisted => NotPersisted is null;
    public string Summary => $"{Endpoint}: " + string.Join("; ", Steps);
}

/// <summary>What a promotion, unfence, pause or unpause found and did; <see cref="Changed"/> is false when it already held.</summary>
public sealed record RedisActionReport(
    string Endpoint,
    string Action,
    Epoch Epoch,
    bool Changed,
    string? NotPersisted,
    IReadOnlyList<string> Steps)
{
    public bool Persisted => NotPersisted is null;
    public string Summary => $"{Endpoint} {Action}: " + string.Join("; ", Steps);
}

/// <summary>A replica's progress towards a primary's offset.</summary>
public sealed record RedisCatchUp(string Endpoint, long TargetOffset, long? ReplayedOffset, string? MasterLinkStatus, bool CaughtUp)
{
    public string Summary => ReplayedOffset is not { } replayed
        ? $"{Endpoint} is not a replica: it has no replayed offset to compare with {TargetOffset}"
        : CaughtUp
            ? $"{Endpoint} replayed {replayed}, up to {TargetOffset}"
            : $"{Endpoint} replayed {replayed}, {TargetOffset - replayed} bytes short of {TargetOffset} (link {MasterLinkStatus ?? "unknown"})";
}
