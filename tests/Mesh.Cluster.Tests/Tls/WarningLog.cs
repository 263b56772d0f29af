using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Cluster.Tests.Tls;

/// <summary>A node's warnings and errors (Akka logs through Microsoft.Extensions.Logging), with their category, for a failure message.</summary>
internal sealed class WarningLog : ILoggerProvider
{
    private const int Capacity = 200;
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Add(string line)
    {
        _lines.Enqueue(line.Length > 600 ? line[..600] : line);
        while (_lines.Count > Capacity) _lines.TryDequeue(out _);
    }

    private sealed class Logger(WarningLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) log.Add($"{logLevel} {category}: {formatter(state, exception)}");
        }
    }
}
