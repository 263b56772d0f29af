using Mesh.Contracts.Configuration;

namespace Mesh.Actors.Probes;

/// <summary>Makes the real probe of each target kind, with its secrets resolved.</summary>
public sealed class ProbeFactory(MeshOptions options, IConfigEnvironment environment, LoadBalancerStatuses loadBalancers) : IProbeFactory
{
    public IProbe Create(TargetOptions target)
    {
        var settings = ProbeSettings.For(target, options.Probes);
        return target.Kind switch
        {
            TargetKinds.Postgres => new PostgresProbe(ConnectionStrings.Resolve(target.ConnectionString!, environment).Value!, settings),
            TargetKinds.Redis => new RedisProbe(target.Endpoint!, target.Password is { Length: > 0 } p ? Secrets.Resolve(p, environment).Value : null, settings),
            TargetKinds.Http => new HttpProbe(new Uri(target.Url!), target.ExpectStatus, target.ExpectBody, settings),
            TargetKinds.LoadBalancer => new LoadBalancerProbe(target.LoadBalancerId!,
                new HttpProbe(new Uri(target.Url!), target.ExpectStatus, target.ExpectBody, settings), loadBalancers),
            _ => throw new ArgumentException($"no probe for kind '{target.Kind}'", nameof(target)),
        };
    }
}
