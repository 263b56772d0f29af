namespace Mesh.Contracts.Probes;

/// <summary>The outcome of one check of one target: passed or not, how long it took, why not, and the facts seen.</summary>
public sealed record CheckResult(bool Passed, TimeSpan Latency, string? Error, ProbeFacts Facts)
{
    public static CheckResult Pass(TimeSpan latency, ProbeFacts? facts = null) => new(true, latency, null, facts ?? ProbeFacts.None);
    public static CheckResult Fail(TimeSpan latency, string error, ProbeFacts? facts = null) => new(false, latency, error, facts ?? ProbeFacts.None);
}
