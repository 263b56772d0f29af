namespace Mesh.Actors.DigitalOcean;

public sealed partial class DigitalOceanClient
{
    public async Task<LoadBalancer> GetLoadBalancerAsync(string id, CancellationToken cancellationToken) =>
        (await GetAsync<LoadBalancerEnvelope>($"v2/load_balancers/{Segment(id)}", "GET /v2/load_balancers/{id}", cancellationToken)).LoadBalancer
        ?? throw Malformed("GET /v2/load_balancers/{id}", "load_balancer");
}
