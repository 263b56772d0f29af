using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// The coordinator's plan steps as they would land: each recorded on the timeline. The fence step reaches the old
/// region's primary only when the coordinator's node reaches that region; otherwise it reports the failure, and only
/// evidence (c), the lease's expiry, can let the plan go on.
/// </summary>
internal sealed class RecordingExecutor(string node, SafetyTimeline timeline, Network network) : IPlanExecutor
{
    public Task<StepOutcome> RunAsync(Move move, string step, CancellationToken cancellationToken)
    {
        var (kind, subject) = PlanSteps.Parse(step);
        timeline.Add(new SafetyEvent(timeline.Now, node, step, kind == PlanSteps.Fence || kind == PlanSteps.Unfence ? subject : move.To, move.Epoch.Counter));
        if (kind == PlanSteps.Unfence) timeline.Primaries.Unfence(subject);
        if (kind != PlanSteps.Fence) return Task.FromResult(StepOutcome.Done);
        var reached = network.Reaches(node, subject);
        return Task.FromResult(new StepOutcome(true, null, new FenceFacts(reached, reached ? [] : [$"{subject}'s primary: connection timed out from {node}"], null, false, null, false)));
    }
}
