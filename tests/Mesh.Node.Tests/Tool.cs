using System.Diagnostics;

namespace Mesh.Node.Tests;

/// <summary>A command-line tool the tests check shipped files with (promtool, ansible, systemd-analyze): its exit code and all it printed.</summary>
internal static class Tool
{
    public static async Task<(int Code, string Output)> RunAsync(string workingDirectory, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["ANSIBLE_NOCOLOR"] = "1";
        info.Environment["ANSIBLE_LOCAL_TEMP"] = Path.GetTempPath();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
