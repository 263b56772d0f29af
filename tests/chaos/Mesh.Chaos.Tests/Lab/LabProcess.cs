using System.Diagnostics;

namespace Mesh.Chaos.Tests.Lab;

/// <summary>
/// One long-running process inside a region's namespace (as another user when asked), its output appended to a
/// log file. Faults act on it directly: SIGKILL, SIGSTOP and SIGCONT, SIGTERM. <c>ip netns exec</c> execs the
/// command in place, so the process id is the server's own (runuser forks, so for another user the id is runuser's
/// and signals go to the whole process group).
/// </summary>
internal sealed class LabProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private LabProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }
    public int Pid => _process.Id;
    public bool Running => !_process.HasExited;
    public string LogPath { get; private init; } = "";

    public static LabProcess Start(string name, string ns, string logPath, string file, IEnumerable<string> args, string? asUser = null,
        IReadOnlyDictionary<string, string>? env = null)
    {
        // setsid: the process leads its own group, so that a signal reaches runuser's child too.
        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "ip", "netns", "exec", ns }) info.ArgumentList.Add(a);
        if (asUser is not null) foreach (var a in new[] { "runuser", "-u", asUser, "--" }) info.ArgumentList.Add(a);
        info.ArgumentList.Add(file);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var gate = new object();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (gate) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new LabProcess(name, process, log) { LogPath = logPath };
    }

    /// <summary>SIGKILL to the process group: the machine it runs on died.</summary>
    public Task KillAsync() => SignalAsync("KILL");

    /// <summary>SIGSTOP: frozen, its sockets open, its timers stopped.</summary>
    public Task FreezeAsync() => SignalAsync("STOP");

    public Task ThawAsync() => SignalAsync("CONT");

    /// <summary>SIGTERM and wait up to <paramref name="timeout"/>; then SIGKILL.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await SignalAsync("TERM");
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { await KillAsync(); }
    }

    private async Task SignalAsync(string signal)
    {
        if (_process.HasExited) return;
        await Sh.TryAsync("kill", $"-{signal}", "--", $"-{_process.Id}");
        if (signal == "KILL") await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        await _log.DisposeAsync();
    }
}
