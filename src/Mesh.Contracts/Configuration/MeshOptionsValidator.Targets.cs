namespace Mesh.Contracts.Configuration;

public static partial class MeshOptionsValidator
{
    // The fields each kind uses beyond the common ones; any other kind-specific field set on a target is an error.
    private static readonly IReadOnlyDictionary<string, string[]> FieldsOfKind = new Dictionary<string, string[]>
    {
        [TargetKinds.Postgres] = [nameof(TargetOptions.ConnectionString)],
        [TargetKinds.Redis] = [nameof(TargetOptions.Endpoint), nameof(TargetOptions.Password)],
        [TargetKinds.Http] = [nameof(TargetOptions.Url), nameof(TargetOptions.ExpectStatus), nameof(TargetOptions.ExpectBody)],
        [TargetKinds.LoadBalancer] = [nameof(TargetOptions.LoadBalancerId), nameof(TargetOptions.Url), nameof(TargetOptions.ExpectStatus), nameof(TargetOptions.ExpectBody)],
    };

    private static void ValidateTargets(Context c)
    {
        var p = $"{Root}:Targets";
        var targets = c.O.Targets;
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            var tp = $"{p}:{i}";
            if (string.IsNullOrWhiteSpace(t.Id)) c.R.Error($"{tp}:Id", "required");
            else if (!Identifier().IsMatch(t.Id)) c.R.Error($"{tp}:Id", "must hold only letters, digits, '.', '-' and '_' (it appears in URLs)");
            else if (!ids.Add(t.Id)) c.R.Error($"{tp}:Id", $"duplicate target id '{t.Id}'");

            if (string.IsNullOrWhiteSpace(t.Region)) c.R.Error($"{tp}:Region", "required");
            else if (c.O.FindRegion(t.Region) is null) c.R.Error($"{tp}:Region", $"'{t.Region}' is not among Regions");
            else if (!c.IsSite(t.Region)) c.R.Error($"{tp}:Region", $"'{t.Region}' is a witness region, which runs no targets");

            OneOf(c, $"{tp}:Kind", t.Kind, TargetKinds.All);
            if (t.Kind is not null && FieldsOfKind.TryGetValue(t.Kind, out var own)) ValidateKindFields(c, tp, t, own);
            ValidateTargetTimings(c, tp, t);
        }
        ValidateGroups(c, p);
        foreach (var site in c.SiteNames)
        {
            if (!targets.Any(t => t.Critical && t.Region == site))
                c.R.Warn(p, $"site region '{site}' has no critical target, so no vantage can ever vote it down");
        }
    }

    private static void ValidateKindFields(Context c, string tp, TargetOptions t, string[] own)
    {
        var set = new (string Field, bool IsSet)[]
        {
            (nameof(t.ConnectionString), t.ConnectionString is not null), (nameof(t.Endpoint), t.Endpoint is not null),
            (nameof(t.Password), t.Password is not null), (nameof(t.Url), t.Url is not null),
            (nameof(t.ExpectStatus), t.ExpectStatus is not null), (nameof(t.ExpectBody), t.ExpectBody is not null),
            (nameof(t.LoadBalancerId), t.LoadBalancerId is not null),
        };
        foreach (var (field, isSet) in set)
            if (isSet && !own.Contains(field)) c.R.Error($"{tp}:{field}", $"does not apply to a target of kind {t.Kind}");

        switch (t.Kind)
        {
            case TargetKinds.Postgres:
                if (string.IsNullOrWhiteSpace(t.ConnectionString)) c.R.Error($"{tp}:ConnectionString", "required for a postgres target");
                else if (ConnectionStrings.Resolve(t.ConnectionString, c.Env) is { Ok: false } cs) c.R.Error($"{tp}:ConnectionString", cs.Error!);
                break;
            case TargetKinds.Redis:
                if (string.IsNullOrWhiteSpace(t.Endpoint)) c.R.Error($"{tp}:Endpoint", "required for a redis target, as host:port");
                else if (!IsHostPort(t.Endpoint)) c.R.Error($"{tp}:Endpoint", "must be host:port, e.g. 10.10.0.11:6379");
                Secret(c, $"{tp}:Password", t.Password, required: false, "");
                break;
            case TargetKinds.Http:
                HttpUrl(c, $"{tp}:Url", t.Url);
                break;
            case TargetKinds.LoadBalancer:
                if (string.IsNullOrWhiteSpace(t.LoadBalancerId)) c.R.Error($"{tp}:LoadBalancerId", "required for a loadbalancer target");
                else if (!Guid.TryParse(t.LoadBalancerId, out _)) c.R.Error($"{tp}:LoadBalancerId", "must be a DigitalOcean load balancer id (a UUID)");
                HttpUrl(c, $"{tp}:Url", t.Url);
                break;
        }
        if (t.ExpectStatus is { } status && status is < 100 or > 599) c.R.Error($"{tp}:ExpectStatus", $"must be an HTTP status between 100 and 599, not {status}");
    }

    private static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var port) && port is >= 1 and <= 65535
            && !value[..colon].Any(char.IsWhiteSpace);
    }

    private static void ValidateTargetTimings(Context c, string tp, TargetOptions t)
    {
        if (t.Interval is { } interval) Positive(c, $"{tp}:Interval", interval);
        if (t.Timeout is { } timeout) Positive(c, $"{tp}:Timeout", timeout);
        if (t.ConnectTimeout is { } connect) Positive(c, $"{tp}:ConnectTimeout", connect);
        if (t.Rise is { } rise) AtLeastOne(c, $"{tp}:Rise", rise);
        if (t.Fall is { } fall) AtLeastOne(c, $"{tp}:Fall", fall);
        if (t.Grace is { } grace && grace < TimeSpan.Zero) c.R.Error($"{tp}:Grace", "must not be negative");
        if (t.Interval is not null || t.Timeout is not null)
        {
            var effectiveInterval = t.Interval ?? c.O.Probes.Interval;
            var effectiveTimeout = t.Timeout ?? c.O.Probes.Timeout;
            if (effectiveTimeout > TimeSpan.Zero && effectiveInterval > TimeSpan.Zero && effectiveTimeout >= effectiveInterval)
                c.R.Error($"{tp}:{(t.Timeout is null ? "Interval" : "Timeout")}",
                    $"the timeout ({Durations.Format(effectiveTimeout)}) must be shorter than the interval ({Durations.Format(effectiveInterval)})");
        }
    }

    private static void ValidateGroups(Context c, string p)
    {
        var targets = c.O.Targets;
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            if (t.Kind is TargetKinds.Postgres or TargetKinds.Redis && string.IsNullOrWhiteSpace(t.Group))
                c.R.Error($"{p}:{i}:Group", $"required for a {t.Kind} target: the replication set it belongs to");
        }
        var groups = targets.Select((t, i) => (t, i)).Where(x => !string.IsNullOrWhiteSpace(x.t.Group)).GroupBy(x => x.t.Group!, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var kinds = group.Select(x => x.t.Kind).Distinct().ToList();
            if (kinds.Count > 1)
            {
                var (_, i) = group.Skip(1).First(x => x.t.Kind != group.First().t.Kind);
                c.R.Error($"{p}:{i}:Group", $"group '{group.Key}' mixes kinds {string.Join(" and ", kinds)}; a group is one replication set");
            }
            foreach (var byRegion in group.GroupBy(x => x.t.Region).Where(g => g.Count() > 1))
            {
                var (_, i) = byRegion.Skip(1).First();
                c.R.Error($"{p}:{i}:Group", $"group '{group.Key}' already has a member in region '{byRegion.Key}'; a group has one member per region");
            }
            if (kinds is [TargetKinds.Postgres or TargetKinds.Redis])
            {
                foreach (var site in c.SiteNames.Where(s => group.All(x => x.t.Region != s)))
                    c.R.Warn($"{p}", $"group '{group.Key}' has no member in site region '{site}', so a failover to '{site}' is never eligible");
            }
        }
    }
}
