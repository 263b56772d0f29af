namespace Mesh.Node.Demo;

/// <summary>
/// The shop's real servers on this machine for the two site regions: nyc1 holds the PostgreSQL primary and
/// the Redis primary, ams3 their streaming standby and replica. Disposing stops and removes everything.
/// </summary>
public sealed class LocalStack : IAsyncDisposable
{
    public const string PrimarySite = "nyc1";
    public const string StandbySite = "ams3";

    private readonly string _root;

    private LocalStack(string root, LocalPostgresPair postgres, LocalRedisPair redis)
    {
        _root = root;
        Postgres = postgres;
        Redis = redis;
        Shop = new LocalShop(
            new Dictionary<string, int> { [PrimarySite] = postgres.PrimaryPort, [StandbySite] = postgres.StandbyPort },
            new Dictionary<string, int> { [PrimarySite] = redis.PrimaryPort, [StandbySite] = redis.ReplicaPort },
            postgres.Password, redis.Password);
    }

    public LocalPostgresPair Postgres { get; }
    public LocalRedisPair Redis { get; }
    public LocalShop Shop { get; }

    /// <summary>Starts both pairs side by side under <paramref name="root"/>.</summary>
    public static async Task<LocalStack> StartAsync(string root, CancellationToken ct)
    {
        Directory.CreateDirectory(root);
        var postgres = LocalPostgresPair.StartAsync(Path.Combine(root, "postgres"), ct);
        var redis = LocalRedisPair.StartAsync(Path.Combine(root, "redis"), ct);
        try
        {
            await Task.WhenAll(postgres, redis);
        }
        catch
        {
            // Whichever started is stopped; the other cleaned up after itself.
            if (postgres.IsCompletedSuccessfully) await postgres.Result.DisposeAsync();
            if (redis.IsCompletedSuccessfully) await redis.Result.DisposeAsync();
            throw;
        }
        return new LocalStack(root, postgres.Result, redis.Result);
    }

    public async ValueTask DisposeAsync()
    {
        await Postgres.DisposeAsync();
        await Redis.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
