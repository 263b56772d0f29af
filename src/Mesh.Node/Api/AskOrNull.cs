using Akka.Actor;

namespace Mesh.Node.Api;

/// <summary>Asks for an answer that may not come (a singleton moving, a region with no node): null instead of an exception.</summary>
public static class AskOrNull
{
    public static async Task<T?> AskOrNullAsync<T>(this IActorRef actor, object message, TimeSpan timeout, CancellationToken ct) where T : class
    {
        try
        {
            return await actor.Ask<T>(message, timeout, ct);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return null;
        }
    }
}
