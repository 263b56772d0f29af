using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Fencing.Lease;

/// <summary>When a member grants a region's guards their lease (SPEC 6 rule 4), as pure functions of its copy of the stored state.</summary>
public static class GrantRule
{
    /// <summary>
    /// The copy makes <paramref name="region"/> active and records no move away from it. The coordinator
    /// writes the move's <c>To</c> as the active region from <c>promoting</c> on, so the new region is granted
    /// before its primary is promoted, and a move away stops grants from the moment it is stored (phase
    /// <c>fencing</c>). An abort's move names the same region twice and is no move away.
    /// </summary>
    public static bool Grants(FailoverState? copy, string region) =>
        copy is not null
        && string.Equals(copy.ActiveRegion, region, StringComparison.Ordinal)
        && !(copy.Move is { } m && string.Equals(m.From, region, StringComparison.Ordinal) && !string.Equals(m.To, region, StringComparison.Ordinal));

    /// <summary>The grant or the refusal this member answers <paramref name="request"/> with.</summary>
    public static ILeaseAnswer Decide(GrantorMemory memory, LeaseRequest request, string grantor, string grantorRegion, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(request);
        var copy = memory.State;
        if (copy is null)
            return new LeaseRefusal(request.RequestId, grantor, grantorRegion, Epoch.Zero, null, request.Region, "this member holds no copy of the stored failover state yet");
        if (Grants(copy, request.Region))
            return new LeaseGrant(request.RequestId, grantor, grantorRegion, copy.Epoch, request.Region);
        return new LeaseRefusal(request.RequestId, grantor, grantorRegion, copy.Epoch, copy.ActiveRegion, request.Region, Why(memory, request.Region, now));
    }

    private static string Why(GrantorMemory memory, string region, TimeSpan now)
    {
        var copy = memory.State!;
        var stopped = memory.Stopped.TryGetValue(region, out var stop) ? $"; stopped granting to {region} {GuardRule.Seconds(now - stop.At)} ago, at epoch {stop.Epoch.Counter}" : "";
        return !string.Equals(copy.ActiveRegion, region, StringComparison.Ordinal)
            ? $"epoch {copy.Epoch.Counter} makes {copy.ActiveRegion} the active region, not {region}{stopped}"
            : $"a {copy.Move!.Kind} from {copy.Move.From} to {copy.Move.To} is recorded (epoch {copy.Epoch.Counter}, phase {copy.Phase}){stopped}";
    }
}
