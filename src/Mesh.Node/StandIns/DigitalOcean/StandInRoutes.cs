namespace Mesh.Node.StandIns.DigitalOcean;

/// <summary>The endpoints of the API the mesh uses, with the API's status codes, envelopes and error ids.</summary>
internal static class StandInRoutes
{
    private static readonly IReadOnlySet<string> DropletActionTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "enable_backups", "disable_backups", "reboot", "power_cycle", "shutdown", "power_off", "power_on", "restore",
        "password_reset", "resize", "rebuild", "rename", "change_kernel", "enable_ipv6", "snapshot",
    };

    public static void Map(WebApplication app, StandInState state)
    {
        app.MapGet("/v2/account", () => Json(new AccountEnvelope(StandInViews.Account())));

        app.MapGet("/v2/domains/{domain}/records", (HttpContext context, string domain) => ListRecords(context, state, domain));
        app.MapPost("/v2/domains/{domain}/records", (HttpContext context, string domain) => CreateRecordAsync(context, state, domain));
        app.MapGet("/v2/domains/{domain}/records/{id:long}", (HttpContext context, string domain, long id) =>
            state.Record(domain, id) is { } record ? Json(new DomainRecordEnvelope(StandInViews.Record(record))) : StandInErrors.NotFound(context));
        app.MapPut("/v2/domains/{domain}/records/{id:long}", (HttpContext context, string domain, long id) => UpdateRecordAsync(context, state, domain, id));

        app.MapGet("/v2/load_balancers/{id}", (HttpContext context, string id) =>
            state.LoadBalancer(id) is { } lb ? Json(new LoadBalancerEnvelope(StandInViews.LoadBalancer(lb))) : StandInErrors.NotFound(context));

        app.MapGet("/v2/droplets", (HttpContext context) => ListDroplets(context, state));
        app.MapGet("/v2/droplets/{id:long}", (HttpContext context, long id) =>
            state.Droplet(id) is { } droplet ? Json(new DropletEnvelope(StandInViews.Droplet(droplet))) : StandInErrors.NotFound(context));
        app.MapPost("/v2/droplets/{id:long}/actions", (HttpContext context, long id) => StartActionAsync(context, state, id));
        app.MapGet("/v2/actions/{id:long}", (HttpContext context, long id) =>
            state.Action(id) is { } action ? Json(new ActionEnvelope(StandInViews.Action(action))) : StandInErrors.NotFound(context));
    }

    private static IResult Json<T>(T body, int status = StatusCodes.Status200OK) => Results.Json(body, StandInJson.Options, statusCode: status);

    private static IResult ListRecords(HttpContext context, StandInState state, string domain)
    {
        var (page, problem) = StandInPaging.Read(context.Request);
        if (page is null) return StandInErrors.Unprocessable(context, problem!);
        var type = context.Request.Query["type"].ToString();
        if (type.Length > 0 && !StandInRecordRules.Types.Contains(type))
            return StandInErrors.Unprocessable(context, $"type must be one of {string.Join(", ", StandInRecordRules.Types)}");
        var name = context.Request.Query["name"].ToString();
        if (state.Records(domain) is not { } records) return StandInErrors.NotFound(context);

        // The query's name is fully qualified while stored names are relative: "www.example.com" finds "www",
        // "example.com" finds "@", and a bare "www" finds nothing, as in the API.
        var relative = name.Length == 0 ? null : RelativeName(name, domain);
        if (name.Length > 0 && relative is null) records = [];
        var matching = records.Where(r =>
            (type.Length == 0 || r.Type == type) &&
            (relative is null || string.Equals(r.Name, relative, StringComparison.OrdinalIgnoreCase))).ToList();
        var (items, links, meta) = StandInPaging.Slice(matching, page, context.Request);
        return Json(new DomainRecordList([.. items.Select(StandInViews.Record)], links, meta));
    }

    private static string? RelativeName(string fqdn, string domain)
    {
        fqdn = fqdn.TrimEnd('.');
        domain = domain.TrimEnd('.');
        if (string.Equals(fqdn, domain, StringComparison.OrdinalIgnoreCase)) return "@";
        return fqdn.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase) ? fqdn[..^(domain.Length + 1)] : null;
    }

    private static async Task<IResult> CreateRecordAsync(HttpContext context, StandInState state, string domain)
    {
        if (!state.HasDomain(domain)) return StandInErrors.NotFound(context);
        var (ok, body) = await StandInJson.ReadBodyAsync<RecordRequest>(context.Request, context.RequestAborted);
        if (!ok) return StandInErrors.Unprocessable(context, "the request body is not a domain record");
        if (body?.Type is null) return StandInErrors.Unprocessable(context, "type is required");
        var draft = new RecordEntry(0, body.Type, body.Name ?? "@", body.Data ?? "", body.Ttl ?? StandInRecordRules.DefaultTtl,
            body.Priority, body.Port, body.Weight, body.Flags, body.Tag);
        if (body.Type is "A" or "AAAA" or "CNAME" or "TXT" && body.Name is null) return StandInErrors.Unprocessable(context, $"name is required for {body.Type} records");
        if (StandInRecordRules.Problem(draft) is { } problem) return StandInErrors.Unprocessable(context, problem);

        var outcome = state.CreateRecord(domain, draft, StandInPipeline.Write(context));
        return outcome.Succeeded
            ? Json(new DomainRecordEnvelope(StandInViews.Record(outcome.Value!)), StatusCodes.Status201Created)
            : StandInErrors.NotFound(context);
    }

    /// <summary>PUT changes only what the body names (as godo's partial PUTs rely on) and keeps the id.</summary>
    private static async Task<IResult> UpdateRecordAsync(HttpContext context, StandInState state, string domain, long id)
    {
        var (ok, body) = await StandInJson.ReadBodyAsync<RecordRequest>(context.Request, context.RequestAborted);
        if (!ok) return StandInErrors.Unprocessable(context, "the request body is not a domain record");
        body ??= new RecordRequest(null, null, null, null, null, null, null, null, null);
        var outcome = state.UpdateRecord(domain, id, stored => stored with
        {
            Type = body.Type ?? stored.Type,
            Name = body.Name ?? stored.Name,
            Data = body.Data ?? stored.Data,
            Ttl = body.Ttl ?? stored.Ttl,
            Priority = body.Priority ?? stored.Priority,
            Port = body.Port ?? stored.Port,
            Weight = body.Weight ?? stored.Weight,
            Flags = body.Flags ?? stored.Flags,
            Tag = body.Tag ?? stored.Tag,
        }, StandInPipeline.Write(context));
        return outcome.Status switch
        {
            WriteStatus.Stored or WriteStatus.Dropped => Json(new DomainRecordEnvelope(StandInViews.Record(outcome.Value!))),
            WriteStatus.Invalid => StandInErrors.Unprocessable(context, outcome.Problem!),
            _ => StandInErrors.NotFound(context),
        };
    }

    private static IResult ListDroplets(HttpContext context, StandInState state)
    {
        var (page, problem) = StandInPaging.Read(context.Request);
        if (page is null) return StandInErrors.Unprocessable(context, problem!);
        var tag = context.Request.Query["tag_name"].ToString();
        var name = context.Request.Query["name"].ToString();
        if (tag.Length > 0 && name.Length > 0) return StandInErrors.Unprocessable(context, "tag_name cannot be combined with name");
        var droplets = state.Droplets(tag.Length > 0 ? tag : null, name.Length > 0 ? name : null);
        var (items, links, meta) = StandInPaging.Slice(droplets, page, context.Request);
        return Json(new DropletList([.. items.Select(StandInViews.Droplet)], links, meta));
    }

    private static async Task<IResult> StartActionAsync(HttpContext context, StandInState state, long dropletId)
    {
        var (ok, body) = await StandInJson.ReadBodyAsync<ActionRequest>(context.Request, context.RequestAborted);
        if (!ok || body?.Type is not { } type || !DropletActionTypes.Contains(type))
            return StandInErrors.Unprocessable(context, $"type must be one of {string.Join(", ", DropletActionTypes)}");
        var outcome = state.StartAction(dropletId, type, StandInPipeline.Write(context));
        return outcome.Status switch
        {
            WriteStatus.Stored => Json(new ActionEnvelope(StandInViews.Action(outcome.Value!)), StatusCodes.Status201Created),
            WriteStatus.Busy => StandInErrors.Unprocessable(context, outcome.Problem!),
            _ => StandInErrors.NotFound(context),
        };
    }
}
