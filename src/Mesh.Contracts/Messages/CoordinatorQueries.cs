namespace Mesh.Contracts.Messages;

/// <summary>Asks the failover coordinator singleton where it runs.</summary>
public sealed record GetCoordinatorStatus : IMeshMessage
{
    public static readonly GetCoordinatorStatus Instance = new();
}

/// <summary>The coordinator's answer: the node hosting it, and since when (that node's clock).</summary>
public sealed record CoordinatorStatus(string Address, string? Node, string? Region, DateTimeOffset StartedAt) : IMeshMessage;
