using Mesh.Node.Api;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Node.Tests;

public sealed class CoordinatorReadsTests
{
    private sealed record Question(string Name);
    private sealed record OtherQuestion;

    private readonly FakeTimeProvider _clock = new();
    private readonly List<(object Question, TaskCompletionSource<object?> Answer)> _asks = [];

    private CoordinatorReads Reads() => new((question, _) =>
    {
        var answer = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_asks) _asks.Add((question, answer));
        return answer.Task;
    }, _clock);

    [Fact]
    public async Task Reads_within_MaxAge_share_one_ask_and_a_later_read_asks_again()
    {
        var reads = Reads();
        var first = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        _clock.Advance(CoordinatorReads.MaxAge - TimeSpan.FromMilliseconds(1));
        var second = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        _asks.Single().Answer.SetResult("answer 1");
        Assert.Equal(("answer 1", "answer 1"), (await first, await second));

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var third = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(2, _asks.Count);
        _asks[1].Answer.SetResult("answer 2");
        Assert.Equal("answer 2", await third);
    }

    [Fact]
    public async Task After_a_command_the_next_read_asks_again_however_young_the_shared_answer()
    {
        var reads = Reads();
        var before = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        _asks.Single().Answer.SetResult("before the command");
        Assert.Equal("before the command", await before);

        reads.Forget();
        var after = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(2, _asks.Count);
        _asks[1].Answer.SetResult("after the command");
        Assert.Equal("after the command", await after);
    }

    [Fact]
    public async Task Each_question_has_its_own_answer()
    {
        var reads = Reads();
        var status = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        var other = reads.ReadAsync<string>(new OtherQuestion(), TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(2, _asks.Count);
        _asks.Single(a => a.Question is Question).Answer.SetResult("status");
        _asks.Single(a => a.Question is OtherQuestion).Answer.SetResult("other");
        Assert.Equal(("status", "other"), (await status, await other));
    }

    [Fact]
    public async Task A_client_that_gives_up_does_not_cancel_the_shared_ask_for_the_others()
    {
        var reads = Reads();
        using var impatient = new CancellationTokenSource();
        var gaveUp = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), impatient.Token);
        var patient = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);

        _asks.Single().Answer.SetResult("answer");
        Assert.Equal("answer", await patient);
    }

    [Fact]
    public async Task No_answer_is_null_and_a_read_after_MaxAge_asks_again()
    {
        var reads = Reads();
        var timedOut = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        _asks.Single().Answer.SetResult(null);
        Assert.Null(await timedOut);
        _clock.Advance(CoordinatorReads.MaxAge);
        _ = reads.ReadAsync<string>(new Question("a"), TimeSpan.FromSeconds(1), CancellationToken.None);
        Assert.Equal(2, _asks.Count);
    }
}
