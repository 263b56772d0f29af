using System.Collections.Concurrent;
using Akka.Actor;
using Mesh.Actors.Failover;
using Mesh.Actors.Failover.Policy;
using Mesh.Actors.Failover.Reconcile;
using Mesh.Actors.Failover.Voting;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Tests.Failover;

/// <summary>A majority store in memory: it keeps what was written, and can be told to fail writes.</summary>
internal sealed class FakeStore(FailoverState? initial = null) : IFailoverStore
{
    private readonly object _gate = new();
    private FailoverState? _state = initial;
    private int _failWrites;

    public List<FailoverState> Writes { get; } = [];
    public FailoverState? State { get { lock (_gate) return _state; } }

    public void FailNextWrites(int count) { lock (_gate) _failWrites = count; }

    private Func<FailoverState, bool>? _holdWhere;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A write of a state matching <paramref name="where"/> waits (a slow majority) until <see cref="Release"/>.</summary>
    public void HoldWritesWhere(Func<FailoverState, bool> where) { lock (_gate) _holdWhere = where; }

    public bool Holding { get; private set; }

    public void Release() => _release.TrySetResult();

    public Task<FailoverState?> ReadAsync(CancellationToken cancellationToken) { lock (_gate) return Task.FromResult(_state); }

    public Task WriteAsync(FailoverState state, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_failWrites > 0)
            {
                _failWrites--;
                return Task.FromException(new StoreWriteFailedException("no majority within 5 s"));
            }
            if (_holdWhere?.Invoke(state) == true)
            {
                Holding = true;
                return _release.Task.ContinueWith(_ => { lock (_gate) { _state = state; Writes.Add(state); } }, TaskScheduler.Default);
            }
            _state = state;
            Writes.Add(state);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Runs no real step: records each call and answers as scripted (by default: done, the fence confirmed by the guards).</summary>
internal sealed class FakeExecutor : IPlanExecutor
{
    public ConcurrentQueue<string> Calls { get; } = new();
    public Func<string, int, StepOutcome> Script { get; set; } = (step, _) => step.StartsWith("fence:", StringComparison.Ordinal)
        ? new StepOutcome(true, null, new FenceFacts(true, [], null, false, null, false))
        : StepOutcome.Done;

    /// <summary>The kind of move each call ran for, in order.</summary>
    public ConcurrentQueue<string> Kinds { get; } = new();

    /// <summary>Awaited before a step answers: lets a test hold a plan mid-step.</summary>
    public Func<string, Task> Hold { get; set; } = _ => Task.CompletedTask;

    /// <summary>What the authoritative name servers are said to have answered after a DNS step.</summary>
    public Func<string, string?> NameServers { get; set; } = _ => null;

    public Task<string?> NameServersAnsweredAsync(Move move, string step, CancellationToken cancellationToken) => Task.FromResult(NameServers(step));

    public async Task<StepOutcome> RunAsync(Move move, string step, CancellationToken cancellationToken)
    {
        var attempt = Calls.Count(c => c == step) + 1;
        Calls.Enqueue(step);
        Kinds.Enqueue(move.Kind);
        await Hold(step);
        return Script(step, attempt);
    }
}

/// <summary>Members that answer polls at once with scripted votes.</summary>
internal sealed class FakeDirectory : IMeshDirectory
{
    public IReadOnlyList<ReachableMember> Members { get; set; } = [new("nyc1-a", "nyc1"), new("ams3-a", "ams3"), new("sfo3-w", "sfo3")];
    public Func<ReachableMember, IReadOnlyList<RegionVerdict>> Votes { get; set; } = _ => [];

    public IReadOnlyCollection<ReachableMember> Reachable() => Members;

    /// <summary>What each member's replication witness answers; null: no answer (the default).</summary>
    public Func<ReachableMember, ReplicationPairs?> Pairs { get; set; } = _ => null;

    /// <summary>How many polls were sent, to any member.</summary>
    public int Polls => Volatile.Read(ref _polls);
    private int _polls;

    public void Poll(ReachableMember member, PollVotes poll, IActorRef replyTo)
    {
        Interlocked.Increment(ref _polls);
        replyTo.Tell(new VotesAnswer(poll.Nonce, member.Node, member.Region, Votes(member)));
    }

    public void AskReplicationPairs(ReachableMember member, IActorRef replyTo)
    {
        if (Pairs(member) is { } answer) replyTo.Tell(answer);
    }
}

/// <summary>Resources as scripted: what rule 11's survey would have read.</summary>
internal sealed class FakeSurvey(ResourceFindings findings) : IResourceSurvey
{
    public ResourceFindings Findings { get; set; } = findings;
    public int Taken;

    public Task<ResourceFindings> TakeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Taken);
        return Task.FromResult(Findings);
    }
}
