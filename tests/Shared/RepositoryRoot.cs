namespace Mesh.Tests.Shared;

/// <summary>The repository's root (where HealthMesh.sln is), found above the test binaries: for tests that check shipped files.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "HealthMesh.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (HealthMesh.sln) is not above the test binaries");
    }
}
