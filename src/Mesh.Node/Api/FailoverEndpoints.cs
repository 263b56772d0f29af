using Akka.Hosting;
using Mesh.Actors.Failover;
using Mesh.Contracts.Failover;

namespace Mesh.Node.Api;

/// <summary>The failover state, its history and the regions' votes (SPEC section 4), answered by the coordinator wherever it runs.</summary>
public static class FailoverEndpoints
{
    private static readonly TimeSpan CoordinatorTimeout = TimeSpan.FromSeconds(2);

    public static void MapFailoverEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/failover", (IRequiredActor<FailoverCoordinator> c, CancellationToken ct) =>
            AskAsync<FailoverStatus>(c, GetFailoverStatus.Instance, s => s, ct)).RequireReadAccess();

        app.MapGet("/api/v1/failover/history", (IRequiredActor<FailoverCoordinator> c, CancellationToken ct) =>
            AskAsync<FailoverHistory>(c, GetFailoverHistory.Instance, h => h.Entries.Select(HistoryView.Of).ToList(), ct)).RequireReadAccess();

        app.MapGet("/api/v1/regions", (IRequiredActor<FailoverCoordinator> c, CancellationToken ct) =>
            AskAsync<RegionsView>(c, GetRegions.Instance, r => r.Regions, ct)).RequireReadAccess();
    }

    private static async Task<IResult> AskAsync<T>(IRequiredActor<FailoverCoordinator> coordinator, object question, Func<T, object> view, CancellationToken ct) where T : class
    {
        var answer = await (await coordinator.GetAsync(ct)).AskOrNullAsync<T>(question, CoordinatorTimeout, ct);
        return answer is null
            ? ApiProblems.Unavailable("the failover coordinator did not answer (it may be moving to another node); try again in a few seconds")
            : Results.Ok(view(answer));
    }
}

/// <summary>A history entry as SPEC section 4 shows it: the epoch as its counter.</summary>
public sealed record HistoryView(long Epoch, DateTimeOffset At, string Kind, string? From, string? To, string Reason, string? FencedBy,
    IReadOnlyList<VoteRecord> Votes, IReadOnlyList<StepRecord> Steps)
{
    public static HistoryView Of(HistoryRecord h) => new(h.Epoch.Counter, h.At, h.Kind, h.From, h.To, h.Reason, h.FencedBy, h.Votes, h.Steps);
}
