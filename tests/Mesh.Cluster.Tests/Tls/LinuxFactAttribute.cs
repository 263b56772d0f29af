namespace Mesh.Cluster.Tests.Tls;

/// <summary>A test that runs on Linux only: it trusts a CA the way .NET on Linux reads trust (see <see cref="TrustedRoot"/>); elsewhere adding to the user's Root store asks a person.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux()) Skip = "sets up certificate trust the way .NET on Linux reads it";
    }
}
