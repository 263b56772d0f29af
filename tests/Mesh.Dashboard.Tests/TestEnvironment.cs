namespace Mesh.Dashboard.Tests;

/// <summary>Debian's chromium, installed by scripts/install-deps.sh; Playwright never downloads a browser here.</summary>
internal static class Chromium
{
    public static string Path => File.Exists("/usr/bin/chromium")
        ? "/usr/bin/chromium"
        : throw new InvalidOperationException("/usr/bin/chromium is missing: run scripts/install-deps.sh (Debian package chromium)");
}

/// <summary>
/// Where a test keeps what a reader may want to look at afterwards (the dashboard's screenshot): beside ./test.sh's
/// results when it runs the tests, else under this project's TestResults.
/// </summary>
internal static class Artifacts
{
    public static string Path(string file)
    {
        var dir = Environment.GetEnvironmentVariable("MESH_MEASUREMENTS_FILE") is { Length: > 0 } measurements
            ? System.IO.Path.GetDirectoryName(measurements)!
            : System.IO.Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(dir);
        return System.IO.Path.Combine(dir, file);
    }
}
