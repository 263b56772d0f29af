using Akka.Actor;
using Akka.Cluster;

namespace Mesh.Node.Api;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        // Liveness: the process answers. Never depends on the cluster, or a partition would get nodes restarted.
        app.MapGet("/healthz", () => Results.Ok(new HealthAnswer("ok")))
            .Answers<HealthAnswer>("Liveness: the process answers (status \"ok\")");

        app.MapGet("/readyz", (ActorSystem system) =>
        {
            var status = Cluster.Get(system).SelfMember.Status;
            return status == MemberStatus.Up
                ? Results.Ok(new HealthAnswer(status.ToString()))
                : ApiProblems.Unavailable($"this node is {status}, not an Up cluster member");
        }).Answers<HealthAnswer>("Readiness: this node is an Up cluster member (status \"Up\")", StatusCodes.Status503ServiceUnavailable);
    }
}
