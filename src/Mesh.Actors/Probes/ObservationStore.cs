using System.Collections.Concurrent;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Probes;

/// <summary>
/// This node's copy of the latest observation of every target from every vantage, fed by the
/// <c>observations</c> topic. Metrics read it, so any node exports the whole picture.
/// </summary>
public sealed class ObservationStore
{
    public const string Topic = "observations";
    private readonly ConcurrentDictionary<(string Vantage, string Target), TargetObserved> _latest = new();

    public void Update(TargetObserved observed) =>
        _latest.AddOrUpdate((observed.Vantage, observed.TargetId), observed,
            (_, old) => (observed.LastCheck ?? DateTimeOffset.MinValue) >= (old.LastCheck ?? DateTimeOffset.MinValue) ? observed : old);

    public IReadOnlyCollection<TargetObserved> All => _latest.Values.ToList();
}
