using Mesh.Actors.Probes;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Actors.Tests;

/// <summary>A probe whose checks are scripted by the test: a result, an exception, or a delay.</summary>
internal sealed class FakeProbe : IProbe, IProbeFactory
{
    private int _running;
    private int _maxRunning;
    private int _checks;

    public Func<int, CancellationToken, Task<CheckResult>> Behaviour { get; set; } =
        (_, _) => Task.FromResult(CheckResult.Pass(TimeSpan.FromMilliseconds(1)));

    public int MaxConcurrent => Volatile.Read(ref _maxRunning);
    public int Checks => Volatile.Read(ref _checks);
    public bool Disposed { get; private set; }

    public async Task<CheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _checks);
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        try
        {
            return await Behaviour(n, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public IProbe Create(TargetOptions target) => this;

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private static void InterlockedMax(ref int location, int value)
    {
        int current;
        while ((current = Volatile.Read(ref location)) < value && Interlocked.CompareExchange(ref location, value, current) != current) { }
    }
}
