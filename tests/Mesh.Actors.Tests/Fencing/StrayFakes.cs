using System.Collections.Concurrent;
using Mesh.Actors.Actions;
using Mesh.Actors.Failover;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>A majority read in memory that answers what it is told and counts the reads.</summary>
internal sealed class FakeMajority(StateReadResult answer) : IStateMajorityReader
{
    private int _reads;

    public StateReadResult Answer { get; set; } = answer;
    public int Reads => Volatile.Read(ref _reads);

    public Task<StateReadResult> ReadMajorityAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reads);
        return Task.FromResult(Answer);
    }
}

/// <summary>One fake server per target id, made on first use.</summary>
internal sealed class FakeResources : IResourceActions
{
    private readonly ConcurrentDictionary<string, FakePostgres> _postgres = new();
    private readonly ConcurrentDictionary<string, FakeRedis> _redis = new();

    public FakePostgres Pg(string id) => _postgres.GetOrAdd(id, i => new FakePostgres(i));
    public FakeRedis Redis(string id) => _redis.GetOrAdd(id, i => new FakeRedis(i));

    IPostgresActions IResourceActions.Postgres(TargetOptions target) => Pg(target.Id!);
    IRedisActions IResourceActions.Redis(TargetOptions target) => Redis(target.Id!);
}

/// <summary>A PostgreSQL server that reads as told (by default a writable primary with no epoch) and records every fence.</summary>
internal sealed class FakePostgres(string id) : IPostgresActions
{
    private int _readings;

    public string Server => $"{id}.internal:5432";
    public int Readings => Volatile.Read(ref _readings);
    public PostgresReading Reading { get; set; } = new($"{id}.internal:5432", false, 1, 4096, null, null, null, null, false, false, [], ["app"], 0, 3);
    public ConcurrentQueue<(Epoch Epoch, FenceMode Mode)> Fences { get; } = new();

    /// <summary>Awaited inside a fence: lets a test hold one in flight.</summary>
    public Task Hold { get; set; } = Task.CompletedTask;

    /// <summary>Thrown by a fence instead of fencing (e.g. <see cref="StaleEpochException"/>).</summary>
    public Exception? Refuse { get; set; }

    public Task<PostgresReading> ReadAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _readings);
        return Task.FromResult(Reading);
    }

    public async Task<FenceResult> FenceAsync(Epoch epoch, FenceMode mode, CancellationToken cancellationToken)
    {
        Fences.Enqueue((epoch, mode));
        await Hold;
        if (Refuse is { } refusal) throw refusal;
        return new FenceResult(Server, mode, epoch, ActionOutcome.Succeeded, null, ["closed every database", "recorded the epoch"], 2, null);
    }

    public Task<PromoteResult> PromoteAsync(Epoch epoch, CancellationToken cancellationToken) => throw new NotSupportedException("the stray fencer never promotes");
    public Task<UnfenceResult> UnfenceAsync(Epoch epoch, CancellationToken cancellationToken) => throw new NotSupportedException("the stray fencer never unfences");
    public Task<ReplayProgress> HasReplayedAsync(ulong lsn, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<FencePrivileges> CheckFencePrivilegesAsync(CancellationToken cancellationToken) => throw new NotSupportedException("the stray fencer never checks readiness");
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A Redis server that reads as a writable primary and records every fence with the server it was told to follow.</summary>
internal sealed class FakeRedis(string id) : IRedisActions
{
    private string Endpoint => $"{id}.internal:6379";

    public RedisReading Reading { get; set; } = new() { Endpoint = $"{id}.internal:6379", Role = RedisRole.Primary };
    public ConcurrentQueue<(Epoch Epoch, string? ReplicaOf)> Fences { get; } = new();

    public Task<RedisReading> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(Reading);

    public Task<RedisFenceReport> FenceAsync(Epoch epoch, string? replicaOf, CancellationToken cancellationToken)
    {
        Fences.Enqueue((epoch, replicaOf));
        return Task.FromResult(new RedisFenceReport(Endpoint, epoch, RedisFenceMethod.ReplicaOf, false, 1, null, [$"REPLICAOF {replicaOf}"]));
    }

    public Task<RedisActionReport> PromoteAsync(Epoch epoch, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<RedisActionReport> UnfenceAsync(Epoch epoch, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<RedisActionReport> PauseWritesAsync(Epoch epoch, TimeSpan duration, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<RedisActionReport> UnpauseAsync(Epoch epoch, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<RedisCatchUp> HasCaughtUpAsync(long offset, CancellationToken cancellationToken) => throw new NotSupportedException();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
