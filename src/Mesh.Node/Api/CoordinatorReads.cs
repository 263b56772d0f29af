using System.Collections.Concurrent;
using Akka.Hosting;
using Mesh.Actors.Failover;

namespace Mesh.Node.Api;

/// <summary>
/// The coordinator's answers to the read endpoints, shared by this node's requests for at most <see cref="MaxAge"/>.
/// On a node that does not host the coordinator every ask crosses Akka.Remote twice, and at thousands of reads a
/// second that alone kept p99 above 5 ms (bench/api-throughput.md); sharing one ask per question per 100 ms makes a
/// read cost what it costs on the coordinator's own node. Guarantees: an answer is never older than
/// <see cref="MaxAge"/> plus the ask itself; a command sent through this node forgets every shared answer once the
/// coordinator has answered it, so a read after one's own command sees its effect; one client giving up never
/// cancels the shared ask for the others.
/// </summary>
public sealed class CoordinatorReads(Func<object, TimeSpan, Task<object?>> ask, TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<Type, Shared> _answers = new();

    private sealed record Shared(Task<object?> Answer, long Since);

    public static CoordinatorReads Of(IRequiredActor<FailoverCoordinator> coordinator) =>
        new(async (question, timeout) => await (await coordinator.GetAsync()).AskOrNullAsync<object>(question, timeout, CancellationToken.None),
            TimeProvider.System);

    /// <summary>The answer to <paramref name="question"/>, or null when the coordinator did not answer within <paramref name="timeout"/>.</summary>
    public async Task<T?> ReadAsync<T>(object question, TimeSpan timeout, CancellationToken ct) where T : class
    {
        // Under contention AddOrUpdate may start an extra ask that loses the race: a wasted read, never a wrong one.
        var shared = _answers.AddOrUpdate(question.GetType(),
            _ => Start(question, timeout),
            (_, current) => clock.GetElapsedTime(current.Since) < MaxAge ? current : Start(question, timeout));
        return await shared.Answer.WaitAsync(ct) as T;
    }

    /// <summary>After a command: the next read of each question asks the coordinator again.</summary>
    public void Forget() => _answers.Clear();

    private Shared Start(object question, TimeSpan timeout) => new(ask(question, timeout), clock.GetTimestamp());
}
