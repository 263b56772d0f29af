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
        app.MapGet("/api/v1/failover", (CoordinatorReads r, CancellationToken ct) =>
            AskAsync<FailoverStatus, FailoverStatus>(r, GetFailoverStatus.Instance, s => s, ct))
            .Answers<FailoverStatus>("The failover state: mode, active region, epoch, phase, blocked reasons, readiness, lease", Unavailable).RequireReadAccess();

        app.MapGet("/api/v1/failover/history", (CoordinatorReads r, CancellationToken ct) =>
            AskAsync<FailoverHistory, List<HistoryView>>(r, GetFailoverHistory.Instance, h => h.Entries.Select(HistoryView.Of).ToList(), ct))
            .Answers<List<HistoryView>>("Every decision and move, oldest first, with votes, fence evidence and steps", Unavailable).RequireReadAccess();

        app.MapGet("/api/v1/regions", (CoordinatorReads r, CancellationToken ct) =>
            AskAsync<RegionsView, IReadOnlyList<RegionView>>(r, GetRegions.Instance, r => r.Regions, ct))
            .Answers<List<RegionView>>("Every region's role and each vantage region's latest verdict on it", Unavailable).RequireReadAccess();

        app.MapPost("/api/v1/failover/pause", async (HttpRequest request, IRequiredActor<FailoverCoordinator> c, CoordinatorReads r, CancellationToken ct) =>
        {
            var (body, problem) = await ApiBodies.ReadAsync<PauseBody>(request, ct);
            return problem ?? await CommandAsync(c, r, new PauseFailover(body?.Reason), ct);
        }).Command("No automatic decision until resumed (rule 13)").Takes<PauseBody>(optional: true).RequireWriteAccess();

        app.MapPost("/api/v1/failover/resume", (IRequiredActor<FailoverCoordinator> c, CoordinatorReads r, CancellationToken ct) =>
            CommandAsync(c, r, ResumeFailover.Instance, ct)).Command("Automatic decisions again").RequireWriteAccess();

        app.MapPost("/api/v1/failover/failover", async (HttpRequest request, IRequiredActor<FailoverCoordinator> c, CoordinatorReads r, CancellationToken ct) =>
        {
            var (body, problem) = await ApiBodies.ReadAsync<FailoverBody>(request, ct);
            if (problem is not null) return problem;
            if (body?.To is not { Length: > 0 } to) return ApiProblems.BadRequest("the body must be JSON with \"to\": the site region to fail over to");
            return await CommandAsync(c, r, new RequestFailover(to, body.AcceptDataLoss, body.AcceptSplitBrainRisk), ct);
        }).Command("An operator's failover to a region; 202 with the move's epoch").Takes<FailoverBody>(optional: false).Produces<MoveStarted>(StatusCodes.Status202Accepted).RequireWriteAccess();

        app.MapPost("/api/v1/failover/switchover", async (HttpRequest request, IRequiredActor<FailoverCoordinator> c, CoordinatorReads r, CancellationToken ct) =>
        {
            var (body, problem) = await ApiBodies.ReadAsync<SwitchoverBody>(request, ct);
            if (problem is not null) return problem;
            if (body?.To is not { Length: > 0 } to) return ApiProblems.BadRequest("the body must be JSON with \"to\": the site region to switch over to");
            return await CommandAsync(c, r, new RequestSwitchover(to, body.Force), ct);
        }).Command("A planned, lossless move to a region; 202 with the move's epoch").Takes<SwitchoverBody>(optional: false).Produces<MoveStarted>(StatusCodes.Status202Accepted).RequireWriteAccess();

        app.MapPost("/api/v1/failover/adopt", async (HttpRequest request, IRequiredActor<FailoverCoordinator> c, CoordinatorReads r, CancellationToken ct) =>
        {
            var (body, problem) = await ApiBodies.ReadAsync<AdoptBody>(request, ct);
            if (problem is not null) return problem;
            if (body?.ActiveRegion is not { Length: > 0 } region || body.Epoch is not { } epoch || epoch < 0)
                return ApiProblems.BadRequest("the body must be JSON with \"activeRegion\": the region that is active, and \"epoch\": the last epoch you saw (a counter, 0 or more)");
            return await CommandAsync(c, r, new RequestAdopt(region, epoch), ct);
        }).Command("The operator's word on which region is active (rule 11)").Takes<AdoptBody>(optional: false).RequireWriteAccess();
    }

    private static async Task<IResult> CommandAsync(IRequiredActor<FailoverCoordinator> coordinator, CoordinatorReads reads, object command, CancellationToken ct)
    {
        // Long enough for a majority write; a command is never retried here (the operator decides whether to repeat it).
        var answer = await (await coordinator.GetAsync(ct)).AskOrNullAsync<CommandAnswer>(command, TimeSpan.FromSeconds(10), ct);
        // Whatever the answer (even none: the command may still have been carried out), reads after it ask again.
        reads.Forget();
        return answer switch
        {
            null => ApiProblems.Unavailable("the failover coordinator did not answer (it may be moving to another node); check GET /api/v1/failover before repeating the request"),
            { Status: 200 } => Results.Ok(new CommandDone()),
            { Status: 202, Epoch: { } epoch } => Results.Json(new MoveStarted(epoch), statusCode: 202),
            _ => ApiProblems.WithReasons(answer.Status, string.Join("; ", answer.Reasons), answer.Reasons),
        };
    }

    private const int Unavailable = StatusCodes.Status503ServiceUnavailable;

    /// <summary>
    /// A command's declared answers: 200 (an empty object) when it took effect, the coordinator's refusals (400 bad
    /// request, 409 conflict with the state, 503 not answering or not stored).
    /// </summary>
    private static RouteHandlerBuilder Command(this RouteHandlerBuilder endpoint, string summary) =>
        endpoint.Answers<CommandDone>(summary, StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, Unavailable);

    private static async Task<IResult> AskAsync<T, TView>(CoordinatorReads reads, object question, Func<T, TView> view, CancellationToken ct) where T : class
    {
        var answer = await reads.ReadAsync<T>(question, CoordinatorTimeout, ct);
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
