using System.Diagnostics;

namespace Mesh.Node.Demo;

/// <summary>Runs a command to completion, as another user when asked and this process is root (PostgreSQL refuses to run as root).</summary>
internal static class ShellCommand
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>The command's output; a non-zero exit throws with the output (which never holds a secret: secrets go in files or the environment).</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, string? asUser = null, IDictionary<string, string>? env = null,
        CancellationToken ct = default)
    {
        var info = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asUser is not null && IsRoot)
        {
            info.FileName = "runuser";
            foreach (var a in new[] { "-u", asUser, "--", file }) info.ArgumentList.Add(a);
        }
        else info.FileName = file;
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(limit.Token);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {output}");
        return output;
    }

    /// <summary>A new directory that only <paramref name="owner"/> (when root; else this user) may enter.</summary>
    public static async Task<string> OwnedDirectoryAsync(string path, string? owner, CancellationToken ct)
    {
        Directory.CreateDirectory(path);
        if (owner is not null && IsRoot) await RunAsync("chown", [owner, path], ct: ct);
        await RunAsync("chmod", ["700", path], ct: ct);
        return path;
    }
}
