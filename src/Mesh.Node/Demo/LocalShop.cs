namespace Mesh.Node.Demo;

/// <summary>
/// Where the shop's stateful servers listen on this machine: PostgreSQL and Redis per site region (the first
/// site's are the primaries), and their passwords, which the nodes read from their environment
/// (<c>env:</c> secrets), so that no config file or command line holds them.
/// </summary>
public sealed record LocalShop(IReadOnlyDictionary<string, int> PostgresPorts, IReadOnlyDictionary<string, int> RedisPorts, string PostgresPassword, string RedisPassword)
{
    // Not MESH_: those would be read as configuration keys.
    public const string PostgresPasswordVariable = "LOCALMESH_PG_PASSWORD";
    public const string RedisPasswordVariable = "LOCALMESH_REDIS_PASSWORD";

    public const string PostgresGroup = "main-db";
    public const string RedisGroup = "cache";

    /// <summary>The variables every node process gets.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        [PostgresPasswordVariable] = PostgresPassword,
        [RedisPasswordVariable] = RedisPassword,
    };

    public static string PostgresTarget(string region) => $"pg-{region}";
    public static string RedisTarget(string region) => $"redis-{region}";

    // Not a record's generated ToString: the passwords are secrets.
    public override string ToString() => $"LocalShop {{ PostgresPorts = {string.Join(", ", PostgresPorts)}, RedisPorts = {string.Join(", ", RedisPorts)} }}";
}
