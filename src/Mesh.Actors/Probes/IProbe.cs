using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// One target's check. An implementation keeps its connection resources (data source, multiplexer,
/// HTTP client) for its lifetime and reconnects by itself; <see cref="CheckAsync"/> never throws for a
/// failing target: it returns a failed <see cref="CheckResult"/> with the reason in words.
/// </summary>
public interface IProbe : IAsyncDisposable
{
    Task<CheckResult> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Makes the probe of a target; the node's uses the real servers, tests pass fakes.</summary>
public interface IProbeFactory
{
    IProbe Create(Mesh.Contracts.Configuration.TargetOptions target);
}
