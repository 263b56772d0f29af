using Mesh.Actors.DigitalOcean;
using Mesh.Integration.Tests.Servers;
using Mesh.Node.StandIns.DigitalOcean;

namespace Mesh.Integration.Tests.DigitalOcean;

/// <summary>
/// One stateful DigitalOcean stand-in and one Prism validating proxy in front of it, shared by the
/// DigitalOcean tests (Prism takes ~8 s to load the spec). Tests keep to their own domains, droplets
/// and load balancers, so the shared state never couples them.
/// </summary>
public sealed class DigitalOceanFixture : IAsyncLifetime
{
    public const string Token = "dop_v1_read_0123456789abcdef";
    public const string ActionsToken = "dop_v1_actions_fedcba9876543210";

    /// <summary>Short waits so retries do not slow the suite; server-requested waits (Retry-After) still apply.</summary>
    public static readonly DigitalOceanRetryOptions FastRetries = new()
    {
        BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromSeconds(5), AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(30),
    };

    public DigitalOceanStandIn StandIn { get; private set; } = null!;
    public PrismProxy Prism { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        StandIn = await DigitalOceanStandIn.StartAsync(new StandInOptions(Token, ActionsToken));
        Prism = await PrismProxy.StartAsync(StandIn.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        if (Prism is not null) await Prism.DisposeAsync();
        if (StandIn is not null) await StandIn.DisposeAsync();
    }

    /// <summary>A client whose every request and every answer passes through Prism's check against the spec.</summary>
    public DigitalOceanClient Client(string? token = null, string? actionsToken = null) =>
        new(DigitalOceanResilience.CreateHttpClient(FastRetries), Prism.Url, token ?? Token, actionsToken ?? ActionsToken);
}

[CollectionDefinition(Name)]
public sealed class DigitalOceanCollection : ICollectionFixture<DigitalOceanFixture>
{
    public const string Name = "digitalocean";
}
