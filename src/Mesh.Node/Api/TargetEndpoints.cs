using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Mesh.Actors.Hosting;
using Mesh.Actors.Probes;
using Mesh.Contracts.Api;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Probes;

namespace Mesh.Node.Api;

/// <summary>
/// Targets as every vantage region sees them. Any node answers for all regions: it asks each
/// region's probe entities through that region's shard region or proxy.
/// </summary>
public static class TargetEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public static void MapTargetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/targets", async (ActorSystem system, MeshOptions options, CancellationToken ct) =>
        {
            var states = await GatherAsync(system, options, options.Targets, ct);
            return Results.Ok(options.Targets.Select(t => TargetViews.Build(options, t, states)).ToList());
        }).Answers<List<TargetView>>("Every target as every vantage region sees it").RequireReadAccess();

        app.MapGet("/api/v1/targets/{id}", async (string id, ActorSystem system, MeshOptions options, CancellationToken ct) =>
        {
            var target = options.Targets.FirstOrDefault(t => string.Equals(t.Id, id, StringComparison.OrdinalIgnoreCase));
            if (target is null) return ApiProblems.NotFound($"there is no target '{id}'; GET /api/v1/targets lists them");
            // The group's other members too: a standby's lag is measured against its primary's observation.
            var related = options.Targets.Where(t => t == target || (target.Group is not null && t.Group == target.Group)).ToList();
            var states = await GatherAsync(system, options, related, ct);
            return Results.Ok(TargetViews.BuildDetail(options, target, states));
        }).Answers<TargetDetailView>("One target from every vantage, with its probes' recent results", StatusCodes.Status404NotFound).RequireReadAccess();
    }

    private static async Task<IReadOnlyDictionary<(string Vantage, string Target), ProbeState?>> GatherAsync(
        ActorSystem system, MeshOptions options, IReadOnlyList<TargetOptions> targets, CancellationToken ct)
    {
        var sharding = ClusterSharding.Get(system);
        var members = Cluster.Get(system).State.Members;
        // A region with no Up node has nobody to look from: do not wait out the ask timeout for it.
        var watching = options.Regions.Select(r => r.Name!)
            .Where(r => members.Any(m => m.Status == MemberStatus.Up && m.HasRole(ClusterRoles.Region(r)))).ToHashSet();
        var asks = options.Regions.SelectMany(r => targets.Select(async t =>
        {
            var region = sharding.ShardRegion(ProbeShards.TypeName(r.Name!));
            return (Key: (r.Name!, t.Id!), State: watching.Contains(r.Name!) ? await region.AskOrNullAsync<ProbeState>(new GetProbeState(t.Id!), AskTimeout, ct) : null);
        }));
        return (await Task.WhenAll(asks)).ToDictionary(x => x.Key, x => x.State);
    }
}
