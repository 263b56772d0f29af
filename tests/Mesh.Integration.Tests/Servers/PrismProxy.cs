using System.Diagnostics;
using System.Text;
using Mesh.Tests.Shared;

namespace Mesh.Integration.Tests.Servers;

/// <summary>
/// Stoplight Prism as a validating proxy (<c>prism proxy --errors</c>) from DigitalOcean's official spec in
/// front of an upstream: a request that breaks the spec is answered 422 and not forwarded; an upstream
/// answer that breaks it becomes a 500 problem. Either way the reasons are in the <c>sl-violations</c> header.
/// </summary>
public sealed class PrismProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private PrismProxy(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public static string Spec => RepositoryRoot.Combine("tests", "contracts", "digitalocean", "openapi.yaml");

    public static async Task<PrismProxy> StartAsync(Uri upstream)
    {
        var prism = RepositoryRoot.Combine(".tools", "prism", "node_modules", ".bin", "prism");
        if (!File.Exists(prism))
            throw new InvalidOperationException($"Prism is not installed at {prism}: run scripts/install-deps.sh (./test.sh does)");
        var port = FreePorts.Next();
        var info = new ProcessStartInfo(prism) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "proxy", "--errors", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), Spec, upstream.AbsoluteUri.TrimEnd('/') })
            info.ArgumentList.Add(a);
        var proxy = new PrismProxy(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}/"));
        proxy._process.OutputDataReceived += (_, e) => proxy.Append(e.Data);
        proxy._process.ErrorDataReceived += (_, e) => proxy.Append(e.Data);
        proxy._process.BeginOutputReadLine();
        proxy._process.BeginErrorReadLine();

        // Loading the 3.4 MB spec takes ~8 s; it listens only when done.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                if (proxy._process.HasExited) throw new InvalidOperationException("Prism exited");
                try
                {
                    using var _ = await http.GetAsync(new Uri(proxy.Url, "v2/account"));
                    return true;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(90), "Prism listening");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            var log = proxy.Log;
            await proxy.DisposeAsync();
            throw new InvalidOperationException($"Prism did not start ({e.Message}): {log}");
        }
        return proxy;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
