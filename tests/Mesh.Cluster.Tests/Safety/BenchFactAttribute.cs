namespace Mesh.Cluster.Tests.Safety;

/// <summary>
/// A measurement, not a test: it runs only when <c>MESH_BENCH=1</c> (bench/cutoff.sh sets it) and is reported as
/// skipped otherwise, so timing goals never become timed tests.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BenchFactAttribute : FactAttribute
{
    public BenchFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MESH_BENCH") != "1") Skip = "a benchmark: run bench/cutoff.sh";
    }
}
