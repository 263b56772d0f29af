using System.Collections.Concurrent;
using Akka.Actor;
using Mesh.Actors.Failover.Voting;
using Mesh.Actors.Fencing;
using Mesh.Contracts.Failover;
using Mesh.Contracts.Fencing;

namespace Mesh.Actors.Tests.Fencing;

/// <summary>
/// The members a guard reaches: records every request, and answers each one with what <see cref="Answer"/> says
/// (nothing by default: the test then answers by telling the guard itself).
/// </summary>
internal sealed class FakeLeasePeers(params ReachableMember[] members) : ILeasePeers
{
    public ConcurrentQueue<(ReachableMember Member, LeaseRequest Request)> Requests { get; } = new();

    /// <summary>The answer a member gives a request; null: it does not answer.</summary>
    public Func<ReachableMember, LeaseRequest, ILeaseAnswer?> Answer { get; set; } = (_, _) => null;

    public IReadOnlyCollection<ReachableMember> Reachable() => members;

    public void Request(ReachableMember member, LeaseRequest request, IActorRef replyTo)
    {
        Requests.Enqueue((member, request));
        if (replyTo.IsNobody()) return;
        if (Answer(member, request) is { } answer) replyTo.Tell(answer);
    }

    /// <summary>From now on the members of <paramref name="regions"/> grant every request under <paramref name="epoch"/>; the others do not answer.</summary>
    public void GrantFrom(Epoch epoch, params string[] regions) =>
        Answer = (m, r) => regions.Contains(m.Region) ? new LeaseGrant(r.RequestId, m.Node, m.Region, epoch, r.Region) : null;

    public void Silence() => Answer = (_, _) => null;
}

/// <summary>A region's fence that records what it was asked to fence and answers as told.</summary>
internal sealed class FakeRegionFence : IRegionFence
{
    private volatile RegionFenceReport _result = new(true, false, ["pg-nyc1.internal:5432 fenced"]);
    private volatile FenceReadiness _readiness = new(true, "reaches pg-nyc1.internal:5432 with the privileges the fence needs");

    public ConcurrentQueue<(string Region, Epoch Epoch)> Fences { get; } = new();

    public RegionFenceReport Result { get => _result; set => _result = value; }

    public FenceReadiness Readiness { get => _readiness; set => _readiness = value; }

    public IReadOnlyList<Epoch> Epochs => Fences.Select(f => f.Epoch).ToList();

    public Task<RegionFenceReport> FenceAsync(string region, Epoch epoch, CancellationToken cancellationToken)
    {
        Fences.Enqueue((region, epoch));
        return Task.FromResult(Result);
    }

    public Task<FenceReadiness> CheckReadinessAsync(string region, CancellationToken cancellationToken) => Task.FromResult(Readiness);
}
