namespace Mesh.Tests.Shared;

/// <summary>
/// Numbers measured by tests (formation time, removal time), appended to the file named by
/// MESH_MEASUREMENTS_FILE so that ./test.sh can print them. Measured, not asserted, except where an
/// issue sets a bound.
/// </summary>
internal static class Measurements
{
    public static void Record(string name, TimeSpan value)
    {
        var line = $"{name}: {value.TotalSeconds:0.00} s";
        Console.WriteLine(line);
        if (Environment.GetEnvironmentVariable("MESH_MEASUREMENTS_FILE") is { Length: > 0 } file)
            File.AppendAllText(file, line + Environment.NewLine);
    }
}
