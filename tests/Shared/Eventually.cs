namespace Mesh.Tests.Shared;

/// <summary>Awaits a condition by polling it, for tests that wait on servers, nodes and probes (compiled into each test project that needs it).</summary>
internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every <paramref name="every"/> (100 ms) until it holds; after <paramref name="timeout"/> fails with <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what()}");
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => UntilAsync(condition, timeout, () => what);
}
