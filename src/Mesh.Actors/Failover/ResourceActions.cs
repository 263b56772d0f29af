using Mesh.Actors.Actions;
using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Failover;

/// <summary>Makes the actions on each target's server, with its secrets resolved; one instance per target, kept for the node's life.</summary>
public interface IResourceActions
{
    IPostgresActions Postgres(TargetOptions target);
    IRedisActions Redis(TargetOptions target);
}

public sealed class ResourceActions(MeshOptions options, IConfigEnvironment environment) : IResourceActions, IAsyncDisposable
{
    private readonly Dictionary<string, IPostgresActions> _postgres = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IRedisActions> _redis = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public IPostgresActions Postgres(TargetOptions target)
    {
        lock (_gate)
        {
            if (!_postgres.TryGetValue(target.Id!, out var actions))
                _postgres[target.Id!] = actions = new PostgresActions(ConnectionStrings.Resolve(target.ConnectionString!, environment).Value!);
            return actions;
        }
    }

    public IRedisActions Redis(TargetOptions target)
    {
        lock (_gate)
        {
            if (!_redis.TryGetValue(target.Id!, out var actions))
            {
                _redis[target.Id!] = actions = RedisActions.For(target, environment, TimeSpan.FromSeconds(5), ProbeSettings.For(target, options.Probes).ConnectTimeout);
            }
            return actions;
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> all;
        lock (_gate) all = [.. _postgres.Values, .. _redis.Values];
        foreach (var a in all) await a.DisposeAsync();
    }
}
