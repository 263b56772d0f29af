using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// The coordinator's plan steps as they would land: each recorded on the timeline. The fence step reaches the old
/// region's primary only when the coordinator's node reaches that region; otherwise it reports the failure, and only
/// evidence (c), the lease's expiry, can let the plan go on.
/// </summary>
/// <remarks>
/// The test meshes have no PostgreSQL targets (their probes could not show replication), so the plan has no promote
/// step: <c>grant-leases</c>, the step before the promotions, stands for the promotion in the <see cref="World"/>.
/// </remarks>
internal sealed class RecordingExecutor(string node, SafetyTimeline timeline, Network network, World world) : IPlanExecutor
{
    public Task<StepOutcome> RunAsync(Move move, string step, CancellationToken cancellationToken)
    {
        var (kind, subject) = PlanSteps.Parse(step);
        timeline.Add(new SafetyEvent(timeline.Now, node, step, kind == PlanSteps.Fence || kind == PlanSteps.Unfence ? subject : move.To, move.Epoch.Counter));
        switch (kind)
        {
            case PlanSteps.Unfence:
                timeline.Primaries.Unfence(subject);
                world.Unfenced(subject, move.Epoch);
                return Task.FromResult(StepOutcome.Done);
            case PlanSteps.GrantLeases:
                world.Promoted(subject, move.Epoch);
                return Task.FromResult(StepOutcome.Done);
            case PlanSteps.SwitchDns:
                world.Switched(move.To, move.Epoch);
                return Task.FromResult(StepOutcome.Done);
            case PlanSteps.Fence:
                var reached = network.Reaches(node, subject);
                if (reached) world.Fenced(subject, move.Epoch);
                return Task.FromResult(new StepOutcome(true, null, new FenceFacts(reached, reached ? [] : [$"{subject}'s primary: connection timed out from {node}"], null, false, null, false)));
            default:
                return Task.FromResult(StepOutcome.Done);
        }
    }
}
