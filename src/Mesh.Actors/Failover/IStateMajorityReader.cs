namespace Mesh.Actors.Failover;

/// <summary>A majority read of the stored failover state (rule 1): what a node reads before it acts on another region's servers.</summary>
public interface IStateMajorityReader
{
    /// <summary>The state as a majority of nodes hold it; every outcome is a result record, none is an exception.</summary>
    Task<StateReadResult> ReadMajorityAsync(CancellationToken cancellationToken = default);
}
