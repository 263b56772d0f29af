using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Cluster.Tests;

/// <summary>
/// A node's last log lines about singletons and membership (Akka logs through Microsoft.Extensions.Logging), kept
/// to explain a coordinator that does not come back after its node was downed: a failure message carries them.
/// </summary>
internal sealed class SingletonTrail : ILoggerProvider
{
    private const int Capacity = 300;
    private static readonly string[] Topics =
        ["Singleton", "singleton", "Oldest", "oldest", "Hand-over", "HandOver", "hand-over", "Member removed", "is the new leader", "Leader is", "downing", "Downing", "Self downed", "Marking", "unreachable"];

    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public string Dump(string node) => $"--- {node}: singleton and membership log (last {_lines.Count} lines)\n" + string.Join("\n", _lines);

    private void Add(string line)
    {
        // The sharding coordinators are singletons too; only the failover coordinator's manager and the membership matter here.
        if (!Topics.Any(t => line.Contains(t, StringComparison.Ordinal)) || line.Contains("/system/sharding/", StringComparison.Ordinal)) return;
        _lines.Enqueue(line.Length > 400 ? line[..400] : line);
        while (_lines.Count > Capacity) _lines.TryDequeue(out _);
    }

    public void Dispose() { }

    private sealed class Logger(SingletonTrail trail) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) trail.Add(formatter(state, exception));
        }
    }
}
