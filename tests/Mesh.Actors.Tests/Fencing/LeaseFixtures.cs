using Mesh.Actors.Fencing.Lease;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>A guard of nyc1 among nyc1, ams3 and sfo3, with the SPEC's default lease (15 s, 1 s, 5 s, 1 s) and Quorum 2.</summary>
internal static class LeaseFixtures
{
    public static readonly LeaseSettings Settings = new(S(15), S(1), S(5), S(1), Quorum: 2);
    public static readonly Epoch Current = new(7, "c1");

    public static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    /// <summary>A guard started at 0 in an active nyc1 with no requests sent.</summary>
    public static GuardFacts Guard(double startedAt = 0, double? activeSince = 0) =>
        new("nyc1", S(startedAt), activeSince is { } a ? S(a) : null, Current, true, [], [], TimeSpan.Zero);

    /// <summary>The guard sent request <paramref name="id"/> at <paramref name="sentAt"/> and the named regions granted it, arriving 50 ms later.</summary>
    public static GuardFacts Granted(this GuardFacts g, long id, double sentAt, params string[] regions) =>
        g with
        {
            Requests = [.. g.Requests, new SentRequest(id, S(sentAt))],
            Grants = [.. g.Grants, .. regions.Select(r => new ReceivedGrant(id, $"{r}-a", r, Current, "nyc1", S(sentAt + 0.05)))],
        };

    /// <summary>Sent request <paramref name="id"/> at <paramref name="sentAt"/> with no answer.</summary>
    public static GuardFacts Sent(this GuardFacts g, long id, double sentAt) =>
        g with { Requests = [.. g.Requests, new SentRequest(id, S(sentAt))] };

    public static GuardFacts With(this GuardFacts g, ReceivedGrant grant) => g with { Grants = [.. g.Grants, grant] };
}
