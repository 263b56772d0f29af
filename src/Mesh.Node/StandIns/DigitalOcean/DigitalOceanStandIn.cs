using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>
/// An in-memory, stateful stand-in for the parts of DigitalOcean's API v2 the mesh uses (account, domain
/// records, load balancers, droplets and their power actions), served by Kestrel on 127.0.0.1 so end-to-end
/// tests and the demo run without the real API. Every answer conforms to DigitalOcean's OpenAPI spec
/// (tests/contracts/digitalocean/openapi.yaml), so it can also stand behind `prism proxy --errors` to
/// contract-test a client. Tests seed it and inject faults through the members here; all of them are
/// thread-safe. It logs nothing, so neither token can end up in a log.
/// </summary>
public sealed class DigitalOceanStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StandInState _state;
    private readonly StandInFaults _faults;

    private DigitalOceanStandIn(WebApplication app, StandInState state, StandInFaults faults, Uri baseAddress)
    {
        _app = app;
        _state = state;
        _faults = faults;
        BaseAddress = baseAddress;
    }

    public static Task<DigitalOceanStandIn> StartAsync(StandInOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, TimeProvider.System, cancellationToken);

    /// <summary>With a clock of the test's own, so action durations and rate-limit windows need no real waiting.</summary>
    internal static async Task<DigitalOceanStandIn> StartAsync(StandInOptions options, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Token);
        if (options.ActionsToken is { Length: 0 }) throw new ArgumentException("ActionsToken is empty; leave it null for a single token", nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port);
        if (options.Addresses is { Count: > 1 } && options.Port == 0) throw new ArgumentException("several addresses need one fixed port", nameof(options));

        // The empty builder: no configuration files or environment (a test's appsettings or ASPNETCORE_URLS
        // cannot change what the stand-in does) and no logging providers.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var address in options.Addresses ?? [IPAddress.Loopback]) kestrel.Listen(address, options.Port);
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();

        var faults = new StandInFaults(clock);
        var state = new StandInState(clock, faults);
        StandInPipeline.Use(app, state, faults, new StandInAuth(options.Token, options.ActionsToken), new StandInRateLimit(clock));
        StandInRoutes.Map(app, state);

        await app.StartAsync(cancellationToken);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new DigitalOceanStandIn(app, state, faults, new Uri($"http://{(options.Addresses?[0] ?? IPAddress.Loopback)}:{bound.Port}/"));
    }

    /// <summary>"http://127.0.0.1:PORT/"; the API's paths (/v2/...) are relative to it.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Adds a domain (no records); adding one that exists changes nothing.</summary>
    public void AddDomain(string name) => _state.AddDomain(name);

    /// <summary>Seeds a record (no API checks, so a test may seed what the API would refuse) and returns it with its id.</summary>
    public StandInRecord AddRecord(string domain, string type, string name, string data, int ttl) =>
        _state.SeedRecord(domain, new RecordEntry(0, type, name, data, ttl)).ToPublic();

    /// <summary>The domain's records as stored now, in id order.</summary>
    public IReadOnlyList<StandInRecord> Records(string domain) => _state.PublicRecords(domain);

    /// <summary>Adds or replaces a load balancer. <paramref name="id"/> must be a UUID and <paramref name="status"/> new, active or errored, as in the API.</summary>
    public void AddLoadBalancer(string id, string name, string ip, string region, string status = "active", IReadOnlyList<long>? dropletIds = null) =>
        _state.AddLoadBalancer(id, name, ip, region, status, dropletIds);

    public void SetLoadBalancerStatus(string id, string status) => _state.SetLoadBalancerStatus(id, status);

    /// <summary>Adds a droplet and returns its id. <paramref name="status"/> is new, active, off or archive.</summary>
    public long AddDroplet(string name, string region, IReadOnlyList<string> tags, string status = "active") =>
        _state.AddDroplet(name, region, tags, status);

    /// <summary>The droplet's status now, after any action whose time has come.</summary>
    public string DropletStatus(long id) => _state.DropletStatus(id);

    /// <summary>
    /// How long a droplet action stays "in-progress" (and the droplet "locked"). Zero, the default, completes it
    /// at once: the 201 already says "completed". Completion applies the effect: shutdown and power_off turn
    /// the droplet "off", power_on, reboot and power_cycle turn it "active". Applies to actions started after the change.
    /// </summary>
    public TimeSpan ActionDuration
    {
        get => _state.ActionDuration;
        set => _state.ActionDuration = value;
    }

    /// <summary>Every write answered with success (record creates and updates, droplet actions), dropped ones included, in order.</summary>
    public IReadOnlyList<StandInMutation> Mutations => _state.Mutations;

    /// <summary>The /v2 requests received, whatever their answer.</summary>
    public int Requests => _state.Requests;

    /// <summary>
    /// The next <paramref name="count"/> /v2 requests answer <paramref name="status"/> (429 or 5xx) with the API's error
    /// body, before authentication and without touching state. A 429 says ratelimit-remaining 0 and, when
    /// <paramref name="retryAfter"/> is given, retry-after in whole seconds (rounded up). Replaces failures still pending.
    /// </summary>
    public void FailNext(int count, int status, TimeSpan? retryAfter = null) => _faults.FailNext(count, status, retryAfter);

    /// <summary>
    /// An outage of the API: from now (the stand-in's clock) for <paramref name="duration"/>, every /v2 request
    /// answers the next of <paramref name="statuses"/> (429 or 5xx, in turn) as <see cref="FailNext"/> does.
    /// Replaces an outage still running; counted failures from <see cref="FailNext"/> are answered first.
    /// </summary>
    public void FailFor(TimeSpan duration, IReadOnlyList<int> statuses, TimeSpan? retryAfter = null) => _faults.FailFor(duration, statuses, retryAfter);

    /// <summary>
    /// The next <paramref name="count"/> record writes (POST/PUT) that would succeed answer as usual but are not
    /// stored, and are logged in <see cref="Mutations"/> as dropped: a write lost after the API acknowledged it.
    /// Replaces drops still pending.
    /// </summary>
    public void DropNextWrites(int count) => _faults.DropNextWrites(count);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
