using Akka.Actor;
using Akka.Event;
using Mesh.Contracts.Failover;

namespace Mesh.Actors.Failover;

/// <summary>Writes of the stored state: a decision acts only once a majority stored it; what follows a write runs after it lands (rule 1).</summary>
public sealed partial class FailoverCoordinator
{
    private void Write(FailoverState next, object? then = null)
    {
        _busy = true;
        _store!.WriteAsync(next, CancellationToken.None).WaitAsync(_settings.StoreTimeout)
            .PipeTo(Self, success: () => new Written(next, then),
                failure: e => e.GetBaseException() is StoreWriteFailedException { Stale: true } stale
                    ? new StaleWrite(then, stale.Message)
                    : new WriteFailed(next, then, e is TimeoutException ? "no majority answered in time" : e.GetBaseException().Message));
    }

    private void OnWritten(Written w)
    {
        _busy = false;
        if (w.Then is StillUnreconciled still)
        {
            _unreconciled = w.State;
            Continue(still.Inner);
            return;
        }
        _state = w.State;
        WatchLease(_state);
        if (w.Then is Settled settled)
        {
            // The operator's adopt settled rule 11's disagreement.
            _disagreements = [];
            _unreconciled = null;
            _reasons = [];
            _phase = Phases.Idle;
            Timers.Cancel(ResurveyKey);
            w = w with { Then = settled.Inner };
        }
        if (_queued.Count > 0)
        {
            // Operators' changes that waited for this write are stored next, before whatever was to follow it.
            var queued = _queued.ToList();
            _queued.Clear();
            Write(queued.Aggregate(_state, (state, q) => q.Change(state)), then: new Replies(queued.Select(q => q.ReplyTo).ToList(), w.Then));
            return;
        }
        Continue(w.Then);
    }

    private void Continue(object? then)
    {
        switch (then)
        {
            case Reply r:
                r.To.Tell(r.Answer);
                if (r.Next is not null) Self.Tell(r.Next);
                break;
            case Replies rs:
                foreach (var to in rs.To) to.Tell(Ok);
                Continue(rs.Next);
                break;
            case Delayed d:
                Timers.StartSingleTimer(RetryKey, d.Message, d.After);
                break;
            case { } message:
                Self.Tell(message);
                break;
        }
    }

    private void OnWriteFailed(WriteFailed f)
    {
        if (_state is null)
        {
            // An adopt or a pause over a disagreement: nothing acts on it until a load reconciles it, so it needs no abort record.
            var operatorReply = f.Then switch { Settled { Inner: Reply a } => a, StillUnreconciled { Inner: Reply p } => p, _ => null };
            operatorReply?.To.Tell(new CommandAnswer(503, null, [$"the change could not be stored by a majority: {f.Error}"]));
            _busy = false;
            return;
        }
        var state = _state!;
        _log.Error("Storing the failover state failed: {0}", f.Error);
        if (f.Then is Replies replies)
        {
            // Only the operators' changes were in this write; the plan's own state was stored before it.
            foreach (var to in replies.To) to.Tell(new CommandAnswer(503, null, [$"the change could not be stored by a majority: {f.Error}"]));
            _busy = false;
            Continue(replies.Next);
            return;
        }
        if (f.Then is Reply reply)
        {
            // The operator hears the truth now; the state the request would have made is not retried behind their back.
            reply.To.Tell(new CommandAnswer(503, null, [$"the change could not be stored by a majority: {f.Error}"]));
            f = f with { Then = reply.Next };
            if (f.Attempted.Epoch <= state.Epoch)
            {
                _busy = false;
                return;
            }
        }
        _reasons = [$"the failover state could not be stored by a majority: {f.Error}"];
        // Still busy: nothing else happens until a write lands.
        if (f.Attempted.Epoch > state.Epoch)
        {
            // The decision may have reached some replicas: a higher-epoch abort supersedes it before anything else.
            var abort = f.Attempted.Epoch.Next(_incarnation);
            var aborted = state with
            {
                Epoch = abort, Phase = Phases.Idle, Move = null,
                History = Append(state.History, Entry(abort, DecisionKinds.Abort, f.Attempted.Move?.From ?? state.Move?.From, f.Attempted.Move?.To ?? state.Move?.To,
                    $"the decision of epoch {f.Attempted.Epoch.Counter} was not stored by a majority: {f.Error}", null, [], [])),
            };
            Timers.StartSingleTimer("rewrite", new Rewrite(aborted, null), _settings.Interval);
            return;
        }
        Timers.StartSingleTimer("rewrite", new Rewrite(f.Attempted, f.Then), _settings.Interval);
    }

    /// <summary>Another coordinator stored a newer epoch: this one is stale; it forgets what it knew and reads again.</summary>
    private void OnStaleWrite(StaleWrite w)
    {
        _log.Warning("The stored failover state is newer than this coordinator's ({0}); reading it again", w.Reason);
        var refused = new CommandAnswer(409, null, [$"a newer decision was stored meanwhile: {w.Reason}"]);
        if (w.Then is Reply reply) reply.To.Tell(refused);
        if (w.Then is Replies replies) foreach (var to in replies.To) to.Tell(refused);
        _state = null;
        Load();
    }
}
