namespace Mesh.Contracts.Configuration;

/// <summary>Probe defaults; every target may override them.</summary>
public sealed record ProbeOptions
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(800);
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);
    public int Rise { get; init; } = 2;
    public int Fall { get; init; } = 3;
    public TimeSpan Grace { get; init; } = TimeSpan.Zero;
}
