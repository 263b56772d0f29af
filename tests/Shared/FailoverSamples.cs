using System.Text.Json;
using Mesh.Contracts.Failover;

namespace Mesh.Tests.Shared;

/// <summary>Stored failover states with every field filled in (compiled into each test project that needs it).</summary>
internal static class FailoverSamples
{
    public static readonly DateTimeOffset At = new(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);

    /// <summary>A failover from nyc1 to ams3 in <paramref name="phase"/>, decided in epoch <paramref name="counter"/>/<paramref name="incarnation"/>.</summary>
    public static FailoverState Moving(long counter, string incarnation = "3f2a9c", string phase = Phases.Fencing)
    {
        var epoch = new Epoch(counter, incarnation);
        IReadOnlyList<StepRecord> steps =
        [
            new("fence:nyc1", StepStatuses.Ok, At.AddSeconds(2), 850, null),
            new("promote-postgres:pg-ams3", phase == Phases.Fencing ? StepStatuses.Pending : StepStatuses.Ok, null, null, null),
            new("switch-dns:shop", StepStatuses.Failed, At.AddSeconds(9), 30_000, "DigitalOcean API answered 503 three times"),
        ];
        return new FailoverState(
            ActiveRegion: phase == Phases.Fencing ? "nyc1" : "ams3",
            Epoch: epoch,
            Phase: phase,
            Move: new Move(DecisionKinds.Failover, "nyc1", "ams3", epoch, At, "nyc1 down as seen from ams3 and sfo3", FenceEvidence.Guards,
                AcceptDataLoss: false, AcceptSplitBrainRisk: false, steps),
            CooldownUntil: At.AddMinutes(15),
            Paused: false,
            PauseReason: null,
            History:
            [
                new HistoryRecord(epoch, At, DecisionKinds.Failover, "nyc1", "ams3", "nyc1 down as seen from ams3 and sfo3", FenceEvidence.Guards,
                    [new VoteRecord("ams3", "down", At.AddSeconds(-1)), new VoteRecord("sfo3", "down", At.AddSeconds(-2)), new VoteRecord("nyc1", "unknown", At.AddSeconds(-30))],
                    steps),
                new HistoryRecord(new Epoch(counter - 1, "0b77e1"), At.AddDays(-3), DecisionKinds.Adopt, null, "nyc1", "first start", null, [], []),
            ]);
    }

    /// <summary>Records hold lists, which compare by reference; two states are the same when they serialize the same.</summary>
    public static string Json(FailoverState state) => JsonSerializer.Serialize(state);
}
