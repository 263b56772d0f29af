using System.Diagnostics;
using Mesh.Contracts.Api;
using Mesh.Node.Status;

namespace Mesh.Node.Demo;

/// <summary>
/// Real <c>health-mesh run</c> processes on this machine, one per node, each from its own config
/// file with its output in a log file. Used by the demo and by the multi-process tests; disposing
/// kills whatever still runs.
/// </summary>
public sealed class LocalMesh : IAsyncDisposable
{
    private readonly Dictionary<string, Process> _processes = new(StringComparer.Ordinal);
    private readonly List<StreamWriter> _logs = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(3) };

    private readonly IReadOnlyDictionary<string, string> _environment;

    private LocalMesh(string workDir, IReadOnlyList<LocalNodeSpec> nodes, IReadOnlyDictionary<string, string>? environment)
    {
        WorkDir = workDir;
        Nodes = nodes;
        _environment = environment ?? new Dictionary<string, string>();
    }

    public string WorkDir { get; }
    public IReadOnlyList<LocalNodeSpec> Nodes { get; }

    /// <param name="shop">The shop's servers to watch and fail over (see <see cref="LocalMeshConfig.Write"/>); their passwords reach the nodes through their environment.</param>
    public static LocalMesh Create(string workDir, LocalMeshTimings timings, string apiToken, LocalDigitalOcean? digitalOcean = null, LocalShop? shop = null) =>
        new(workDir, LocalMeshConfig.Write(workDir, timings, apiToken, digitalOcean, shop), shop?.Environment);

    /// <summary>The health-mesh executable beside this assembly (the node's own output, or a test's copy of it).</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "health-mesh.exe" : "health-mesh");

    public void Start(LocalNodeSpec node)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkDir,
        };
        info.ArgumentList.Add("run");
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(node.ConfigPath);
        foreach (var (name, value) in _environment) info.Environment[name] = value;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var log = new StreamWriter(node.LogPath, append: true) { AutoFlush = true };
        _logs.Add(log);
        var gate = new object();
        void Write(string? line)
        {
            if (line is null) return;
            lock (gate) log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Exited += (_, _) => { lock (gate) log.Flush(); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes[node.Name] = process;
    }

    public void StartAll()
    {
        foreach (var node in Nodes) Start(node);
    }

    /// <summary>What the node's <c>GET /api/v1/cluster</c> says now, or null when it does not answer.</summary>
    public async Task<ClusterView?> ViewAsync(LocalNodeSpec node, CancellationToken ct)
    {
        return (await StatusCommand.FetchAsync(_http, new Uri(node.HttpUrl), ct)).View;
    }

    /// <summary>The node's answer to <c>GET <paramref name="path"/></c> (e.g. <c>api/v1/failover</c>), or null with why not, in words.</summary>
    public Task<(T? Value, string? Error)> GetAsync<T>(LocalNodeSpec node, string path, CancellationToken ct) where T : class =>
        StatusCommand.GetAsync<T>(_http, new Uri(node.HttpUrl), path, ct);

    /// <summary>POSTs <paramref name="json"/> to <paramref name="path"/> with the operator's bearer token, as <c>curl</c> would: the status code and the body.</summary>
    public async Task<(int Status, string Body)> PostAsync(LocalNodeSpec node, string path, string json, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(node.HttpUrl), path))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, ct);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Polls every listed node until <paramref name="condition"/> holds for the views of all of them.</summary>
    public async Task WaitForAsync(IReadOnlyList<LocalNodeSpec> nodes, Func<ClusterView, bool> condition, TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        while (true)
        {
            if (nodes.FirstOrDefault(n => _processes.TryGetValue(n.Name, out var p) && p.HasExited) is { } dead)
                throw new TimeoutException($"node {dead.Name} exited with {_processes[dead.Name].ExitCode}; see {dead.LogPath}");
            var views = await Task.WhenAll(nodes.Select(n => ViewAsync(n, cts.Token)));
            if (views.All(v => v is not null && condition(v))) return;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"the mesh did not reach the expected state within {timeout.TotalSeconds:0} s; logs are in {WorkDir}");
            }
        }
    }

    public bool IsRunning(LocalNodeSpec node) => _processes.TryGetValue(node.Name, out var p) && !p.HasExited;

    /// <summary>SIGKILL: the node dies without a word to the cluster.</summary>
    public void Kill(LocalNodeSpec node)
    {
        if (_processes.TryGetValue(node.Name, out var p) && !p.HasExited) Signals.Send(p.Id, Signals.SigKill);
    }

    /// <summary>SIGTERM and wait: the node leaves the cluster and exits; its exit code, or null if it had to be killed.</summary>
    public async Task<int?> StopAsync(LocalNodeSpec node, TimeSpan timeout)
    {
        if (!_processes.TryGetValue(node.Name, out var p)) return null;
        if (!p.HasExited) Signals.Send(p.Id, Signals.SigTerm);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
            return p.ExitCode;
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes.Values)
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }
            p.Dispose();
        }
        _processes.Clear();
        foreach (var log in _logs) await log.DisposeAsync();
        _logs.Clear();
        _http.Dispose();
    }
}
