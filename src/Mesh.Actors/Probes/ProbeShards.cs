using Akka.Cluster.Sharding;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>One sharding type per vantage region, hosted only by that region's nodes (role <c>region:&lt;name&gt;</c>).</summary>
public static class ProbeShards
{
    /// <summary>Fixed forever: changing it would move every entity to another shard.</summary>
    public const int ShardCount = 50;

    public static string TypeName(string region) => $"probes-{region}";
}

/// <summary>Routes by target id; the base class also routes ShardRegion.StartEntity, which the director sends.</summary>
public sealed class ProbeMessageExtractor() : HashCodeMessageExtractor(ProbeShards.ShardCount)
{
    public override string? EntityId(object message) => message is IWithTargetId t ? t.TargetId : null;
}
