namespace Mesh.Node.Demo;

/// <summary>Awaits a condition by polling it, for the local mesh's servers and nodes.</summary>
internal static class LocalWait
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; after <paramref name="timeout"/> throws a TimeoutException naming <paramref name="what"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct) =>
        UntilAsync(condition, timeout, () => what, ct);

    /// <summary>As above, with the failure's words computed when it fails (say, the last state seen).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {timeout.TotalSeconds:0} s: {what()}");
            await Task.Delay(100, ct);
        }
    }
}
