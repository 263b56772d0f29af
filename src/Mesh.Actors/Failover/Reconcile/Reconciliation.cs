using Mesh.Actors.Failover.Policy;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Reconcile;

/// <summary>
/// The outcome of comparing the stored state with the resources: the state to go on with, or every disagreement
/// with both views (phase <c>blocked</c> until an operator adopts one), and a stale move to abandon.
/// </summary>
public sealed record ReconcileVerdict(FailoverState? State, IReadOnlyList<string> Disagreements, string? AbandonedMove)
{
    public bool Agrees => Disagreements.Count == 0;
}

/// <summary>
/// SPEC 6 rule 11, reconcile before acting. A coordinator that starts trusts neither its stored state nor
/// <c>InitialActiveRegion</c> over the resources: the stored state may come from data directories older than what
/// the mesh last did, and a first start may meet a shop that has run elsewhere for a month. Only contrary evidence
/// blocks: a server that does not answer proves nothing (that is the outage a failover is for), except on a
/// first start, which must see its initial region's primary to believe it.
/// </summary>
public static class Reconciliation
{
    public static ReconcileVerdict Check(FailoverState? stored, ResourceFindings found, string? initialActive, DateTimeOffset wallNow, TimeSpan cooldown)
    {
        if (stored is null || stored.Epoch == Epoch.Zero && stored.Move is null && stored.History.Count == 0)
            return FirstStart(stored, found, initialActive);

        var disagreements = new List<string>();
        if (found.NewestEpoch is { } newest && newest > stored.Epoch)
            disagreements.Add($"the resources record epoch {newest.Counter}, newer than the stored epoch {stored.Epoch.Counter}: the stored state is older than what the mesh last did (data directories restored or rebuilt?)");

        var state = stored;
        string? abandoned = null;
        if (stored.Move is { } move && !PlanSteps.PastPointOfNoReturn(move) && wallNow - move.StartedAt > cooldown)
        {
            // Resuming it could promote a server an operator has since rebuilt as a standby (spec-review F5).
            abandoned = $"the stored {move.Kind} from {move.From} to {move.To} (epoch {move.Epoch.Counter}) started at {move.StartedAt:yyyy-MM-ddTHH:mm:ssZ}, " +
                        $"more than Cooldown ago, and had not reached pg_promote: abandoned, not resumed";
            state = stored with { Move = null, Phase = Phases.Idle };
        }

        // Where the writable primaries and the DNS may be: the active region, and during a move past pg_promote its target
        // (promoted, DNS maybe not yet switched).
        var (primaryRegions, dnsRegions) = state.Move is { } m && PlanSteps.PastPointOfNoReturn(m)
            ? (new[] { m.To }, new[] { m.From, m.To })
            : (new[] { state.ActiveRegion }, new[] { state.ActiveRegion });
        foreach (var p in found.Postgres.Where(p => p.Writable && !primaryRegions.Contains(p.Region)))
            disagreements.Add($"{p} while the stored active region is {string.Join(" or ", primaryRegions)}");
        foreach (var d in found.Dns.Where(d => d.Value is not null && d.Error is null && (d.ValueRegion is null || !dnsRegions.Contains(d.ValueRegion))))
            disagreements.Add($"{d} while the stored active region is {string.Join(" or ", dnsRegions)}");

        return disagreements.Count == 0
            ? new ReconcileVerdict(state, [], abandoned)
            : new ReconcileVerdict(null, [.. disagreements, Views(stored, found)], abandoned);
    }

    /// <summary><c>InitialActiveRegion</c> only when the resources agree: its primary answers and is the only writable one, and DNS points at it.</summary>
    private static ReconcileVerdict FirstStart(FailoverState? stored, ResourceFindings found, string? initialActive)
    {
        if (initialActive is null)
            return new ReconcileVerdict(null, ["no failover state is stored and InitialActiveRegion is not set: adopt the active region"], null);
        var disagreements = new List<string>();
        if (found.NewestEpoch is { } newest)
            disagreements.Add(stored is null
                ? $"no failover state is stored, but the resources record epoch {newest.Counter}: the mesh has acted before (data directories lost?)"
                : $"only the initial state (epoch 0) is stored, but the resources record epoch {newest.Counter}: the mesh has acted since (data directories restored from before?)");
        // Confirming needs the initial region's primary and DNS seen. Once the initial state was stored (a coordinator
        // confirmed it, or an operator paused) a later start only looks for contrary evidence: the region may be down or
        // cut off by now, and that is the outage a failover is for.
        var confirming = stored is null;
        if (confirming && found.Postgres.Any(p => p.Region == initialActive) && !found.Postgres.Any(p => p.Region == initialActive && p.Writable))
            disagreements.Add($"InitialActiveRegion {initialActive} cannot be confirmed: none of its PostgreSQL servers answered as a writable primary");
        foreach (var p in found.Postgres.Where(p => p.Writable && p.Region != initialActive))
            disagreements.Add($"{p}, not in InitialActiveRegion {initialActive}");
        foreach (var d in found.Dns)
        {
            if (d.Error is not null && confirming) disagreements.Add($"{d}: InitialActiveRegion {initialActive} cannot be confirmed");
            else if (d.Error is null && d.Value is not null && d.ValueRegion != initialActive) disagreements.Add($"{d}, not InitialActiveRegion {initialActive}");
        }
        return disagreements.Count == 0
            ? new ReconcileVerdict(stored ?? FailoverState.Initial(initialActive), [], null)
            : new ReconcileVerdict(null, [.. disagreements, Views(stored, found)], null);
    }

    private static string Views(FailoverState? stored, ResourceFindings found) =>
        $"stored: {(stored is null ? "nothing" : $"active {stored.ActiveRegion}, epoch {stored.Epoch.Counter}{(stored.Move is { } m ? $", {m.Kind} {m.From} -> {m.To} in phase {stored.Phase}" : "")}")}; " +
        $"resources: {found}";
}
