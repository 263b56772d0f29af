namespace Mesh.Contracts.Probes;

/// <summary>A target's status from one vantage: <c>unknown</c> until the first verdict, then rise/fall decides.</summary>
public static class ProbeStatus
{
    public const string Unknown = "unknown";
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
}

/// <summary>A PostgreSQL or Redis server's replication role; null for other kinds.</summary>
public static class ServerRoles
{
    public const string Primary = "primary";
    public const string Standby = "standby";
}
