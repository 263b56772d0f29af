namespace Mesh.Node.StandIns.DigitalOcean;

// What the stand-in stores. Immutable: a change replaces the entry under the state's lock, so a reader
// that got an entry keeps a consistent snapshot while it renders the JSON outside the lock.

internal sealed record RecordEntry(long Id, string Type, string Name, string Data, int Ttl,
    int? Priority = null, int? Port = null, int? Weight = null, int? Flags = null, string? Tag = null)
{
    public StandInRecord ToPublic() => new(Id, Type, Name, Data, Ttl);
}

internal sealed record LoadBalancerEntry(string Id, string Name, string Ip, string Region, string Status,
    IReadOnlyList<long> DropletIds, DateTimeOffset CreatedAt);

/// <summary><paramref name="PendingActionId"/> is set while an action runs: the API shows the droplet "locked" then.</summary>
internal sealed record DropletEntry(long Id, string Name, string Region, IReadOnlyList<string> Tags, string Status,
    DateTimeOffset CreatedAt, long? PendingActionId = null);

/// <summary>An action completes at <paramref name="DueAt"/>; <paramref name="CompletedAt"/> is set once the state has applied it.</summary>
internal sealed record ActionEntry(long Id, string Type, long DropletId, string Region, DateTimeOffset StartedAt,
    DateTimeOffset DueAt, DateTimeOffset? CompletedAt = null);

/// <summary>Who wrote what, for the mutation log.</summary>
internal sealed record WriteContext(string Method, string Path, string TokenUsed);

internal enum WriteStatus { Stored, Dropped, NotFound, Invalid, Busy }

/// <summary>The answer of a write: the value to return when it was <see cref="WriteStatus.Stored"/> or <see cref="WriteStatus.Dropped"/>, else why not.</summary>
internal sealed record WriteOutcome<T>(WriteStatus Status, T? Value = null, string? Problem = null) where T : class
{
    public bool Succeeded => Status is WriteStatus.Stored or WriteStatus.Dropped;
}
