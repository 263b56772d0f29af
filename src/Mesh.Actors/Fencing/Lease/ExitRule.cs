namespace Mesh.Actors.Fencing.Lease;

public enum ExitKind
{
    /// <summary>The cluster downed this node (its supervisor restarts it).</summary>
    Downed,
    /// <summary>SIGTERM: a clean stop that leaves the cluster first.</summary>
    Terminated,
}

/// <summary>What a guard does on its way out, and why.</summary>
public sealed record ExitVerdict(bool FenceBeforeExit, string Reason);

/// <summary>The exit clauses of SPEC 6 rule 4.</summary>
public static class ExitRule
{
    /// <summary>
    /// A downed node cannot renew any more, so it fences unless grants from Quorum regions reached it within
    /// the last RenewInterval: then the other guards of its region, or its lease's own end, still fence in
    /// time. SIGTERM releases the lease and does not fence (the region may become unguarded, which the
    /// coordinator shows and which takes lease expiry away as evidence).
    /// </summary>
    public static ExitVerdict OnExit(ExitKind kind, GuardFacts facts, TimeSpan now, LeaseSettings settings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(settings);
        if (kind == ExitKind.Terminated) return new ExitVerdict(false, "stopped with SIGTERM: the lease is released, not fenced");
        if (!facts.RegionActiveInNewest) return new ExitVerdict(false, $"{facts.Region} is not the active region in epoch {facts.NewestEpoch.Counter}: nothing to guard");

        var recent = facts with { Grants = facts.Grants.Where(g => g.ReceivedAt >= now - settings.RenewInterval).ToList() };
        var fresh = LeaseArithmetic.Compute(recent, now, settings).Lasting.Count;
        return fresh >= settings.Quorum
            ? new ExitVerdict(false, $"downed, but grants from {fresh} regions reached it within the last RenewInterval")
            : new ExitVerdict(true, $"downed with grants from only {fresh} regions within the last RenewInterval {GuardRule.Seconds(settings.RenewInterval)} (Quorum {settings.Quorum})");
    }
}
