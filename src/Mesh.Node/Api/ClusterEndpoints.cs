using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Mesh.Actors.ClusterState;
using Mesh.Actors.Failover;
using Mesh.Contracts.Api;
using Mesh.Contracts.Messages;

namespace Mesh.Node.Api;

public static class ClusterEndpoints
{
    // The coordinator answers within milliseconds when it runs; while it moves, the view says null rather than wait.
    private static readonly TimeSpan CoordinatorTimeout = TimeSpan.FromSeconds(1);

    public static void MapClusterEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cluster", async (ActorSystem system, CoordinatorReads reads, CancellationToken ct) =>
        {
            var cluster = Cluster.Get(system);
            var status = await reads.ReadAsync<CoordinatorStatus>(GetCoordinatorStatus.Instance, CoordinatorTimeout, ct);
            return Results.Ok(ClusterViews.From(cluster.SelfMember, cluster.State, status));
        }).Answers<ClusterView>("This node, the members as it sees them, the leader and where the coordinator runs").RequireReadAccess();
    }
}
