namespace Mesh.Actors.DigitalOcean;

public sealed partial class DigitalOceanClient
{
    public Task<IReadOnlyList<Droplet>> ListDropletsByTagAsync(string tag, CancellationToken cancellationToken) =>
        ListAsync<DropletPage, Droplet>($"v2/droplets?tag_name={Segment(tag)}&per_page={PerPage}", "GET /v2/droplets?tag_name", cancellationToken);

    public async Task<Droplet> GetDropletAsync(long id, CancellationToken cancellationToken) =>
        (await GetAsync<DropletEnvelope>($"v2/droplets/{Number(id)}", "GET /v2/droplets/{id}", cancellationToken)).Droplet
        ?? throw Malformed("GET /v2/droplets/{id}", "droplet");

    /// <summary>A graceful shutdown: DigitalOcean guarantees the command is issued, not that the droplet goes off.</summary>
    public Task<DigitalOceanAction> ShutdownDropletAsync(long id, CancellationToken cancellationToken) =>
        DropletActionAsync(id, "shutdown", cancellationToken);

    /// <summary>A hard power-off, the fallback when a shutdown did not take.</summary>
    public Task<DigitalOceanAction> PowerOffDropletAsync(long id, CancellationToken cancellationToken) =>
        DropletActionAsync(id, "power_off", cancellationToken);

    public async Task<DigitalOceanAction> GetActionAsync(long id, CancellationToken cancellationToken) =>
        (await GetAsync<ActionEnvelope>($"v2/actions/{Number(id)}", "GET /v2/actions/{id}", cancellationToken)).Action
        ?? throw Malformed("GET /v2/actions/{id}", "action");

    /// <summary>Polls an action until it is completed or errored; a TimeoutException when it is neither within <paramref name="timeout"/>.</summary>
    public async Task<DigitalOceanAction> WaitForActionAsync(DigitalOceanAction action, TimeSpan timeout, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!action.IsDone)
        {
            if (DateTimeOffset.UtcNow >= deadline)
                throw new TimeoutException($"DigitalOcean action {action.Id} ({action.Type}) was still {action.Status} after {timeout.TotalSeconds:0.#} s");
            await Task.Delay(pollInterval, cancellationToken);
            action = await GetActionAsync(action.Id, cancellationToken);
        }
        return action;
    }

    // Repeating a shutdown or power-off leaves the droplet as one would: safe to retry after any failure.
    private async Task<DigitalOceanAction> DropletActionAsync(long id, string type, CancellationToken ct)
    {
        const string operation = "POST /v2/droplets/{id}/actions";
        return (await WriteAsync<ActionEnvelope>(HttpMethod.Post, $"v2/droplets/{Number(id)}/actions", new DropletActionRequest(type), operation, ct, safeToRepeat: true)).Action
            ?? throw Malformed(operation, "action");
    }

    private sealed record DropletActionRequest(string Type);
}
