using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover.Reconcile;

/// <summary>What one PostgreSQL server of a group said when the coordinator started (SPEC 6 rule 11).</summary>
/// <param name="Error">Why it could not be read; a server that did not answer is no evidence either way.</param>
public sealed record PostgresFinding(string Target, string Region, bool Reachable, bool InRecovery, bool Fenced, Epoch? Epoch, int? Timeline, string? Error = null)
{
    /// <summary>A primary that takes writes: out of recovery and not fenced.</summary>
    public bool Writable => Reachable && !InRecovery && !Fenced;

    public override string ToString() => !Reachable ? $"{Target} ({Region}) did not answer{(Error is null ? "" : $": {Error}")}"
        : $"{Target} ({Region}) {(InRecovery ? "in recovery" : Fenced ? "out of recovery, fenced" : "out of recovery, taking writes")}" +
          $"{(Timeline is { } t ? $", timeline {t}" : "")}{(Epoch is { } e ? $", epoch {e.Counter}" : "")}";
}

/// <summary>What one DNS record and its TXT epoch record held.</summary>
/// <param name="Value">The record's value; null when it does not exist.</param>
/// <param name="ValueRegion">The site region whose configured value that is; null when it is no region's.</param>
/// <param name="Error">Why it could not be read.</param>
public sealed record DnsFinding(string Record, string? Value, string? ValueRegion, Epoch? TxtEpoch, string? TxtActive, string? Error = null)
{
    public override string ToString() => Error is not null ? $"DNS {Record} could not be read: {Error}"
        : Value is null ? $"DNS {Record} does not exist"
        : $"DNS {Record} -> {Value} ({ValueRegion ?? "no region's value"}){(TxtEpoch is { } e ? $", TXT epoch {e.Counter} active={TxtActive}" : "")}";
}

/// <summary>Everything the coordinator read from the resources before deciding anything.</summary>
public sealed record ResourceFindings(IReadOnlyList<PostgresFinding> Postgres, IReadOnlyList<DnsFinding> Dns)
{
    /// <summary>The newest epoch any resource records, or null.</summary>
    public Epoch? NewestEpoch =>
        Postgres.Select(p => p.Epoch).Concat(Dns.Select(d => d.TxtEpoch)).Where(e => e is not null).Select(e => e!.Value).DefaultIfEmpty().Max() is { Counter: > 0 } newest
            ? newest : null;

    public override string ToString() => string.Join("; ", Postgres.Select(p => p.ToString()).Concat(Dns.Select(d => d.ToString())));
}
