using System.Diagnostics;

namespace Mesh.Chaos.Tests.Lab;

/// <summary>Runs a command to completion and returns its output; a non-zero exit throws with the output.</summary>
internal static class Sh
{
    public static async Task<string> RunAsync(string file, params string[] args)
    {
        var (code, output) = await TryAsync(file, args);
        if (code != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {code}: {output.Trim()}");
        return output;
    }

    /// <summary>The exit code and output, whatever the exit code.</summary>
    public static async Task<(int Code, string Output)> TryAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A command inside a network namespace.</summary>
    public static Task<string> InAsync(string ns, string file, params string[] args) => RunAsync("ip", ["netns", "exec", ns, file, .. args]);
}
