namespace Mesh.Contracts.Configuration;

/// <summary>A target's effective probe timings: its own overrides, else the Probes defaults.</summary>
public sealed record ProbeSettings(TimeSpan Interval, TimeSpan Timeout, TimeSpan ConnectTimeout, int Rise, int Fall, TimeSpan Grace)
{
    public static ProbeSettings For(TargetOptions target, ProbeOptions defaults) => new(
        target.Interval ?? defaults.Interval,
        target.Timeout ?? defaults.Timeout,
        target.ConnectTimeout ?? defaults.ConnectTimeout,
        target.Rise ?? defaults.Rise,
        target.Fall ?? defaults.Fall,
        target.Grace ?? defaults.Grace);

    /// <summary>The longest a check may take: opening a connection, then one check on it.</summary>
    public TimeSpan CheckBudget => ConnectTimeout + Timeout;
}
