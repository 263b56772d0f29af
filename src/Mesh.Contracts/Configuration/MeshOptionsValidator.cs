using System.Text.RegularExpressions;

namespace Mesh.Contracts.Configuration;

/// <summary>
/// Every rule a careful operator expects of a configuration (SPEC section 3), as one pass that
/// reports all problems at once. Errors refuse the configuration; warnings are printed and allowed.
/// Split by section into partial files.
/// </summary>
public static partial class MeshOptionsValidator
{
    internal const string Root = MeshOptions.SectionName;

    public static ValidationReport Validate(MeshOptions o, IConfigEnvironment env)
    {
        var r = new ValidationReport();
        var ctx = new Context(o, env, r);
        ValidateCluster(ctx);
        ValidateRegions(ctx);
        ValidateNode(ctx);
        ValidateProbes(ctx);
        ValidateTargets(ctx);
        ValidateFailover(ctx);
        ValidateDigitalOcean(ctx);
        ValidateApi(ctx);
        ValidateRemote(ctx);
        return r;
    }

    private sealed record Context(MeshOptions O, IConfigEnvironment Env, ValidationReport R)
    {
        public bool IsSite(string? region) => O.FindRegion(region)?.Kind == RegionKinds.Site;
        public IReadOnlyList<string> SiteNames => O.SiteRegions.Select(s => s.Name).OfType<string>().Where(n => n.Length > 0).Distinct().ToList();
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex RegionName();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex SystemName();

    private static void Positive(Context c, string path, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) c.R.Error(path, "must be a positive duration");
    }

    private static void AtLeastOne(Context c, string path, int value)
    {
        if (value < 1) c.R.Error(path, $"must be at least 1, not {value}");
    }

    private static void HttpUrl(Context c, string path, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) { c.R.Error(path, "required"); return; }
        if (!IsHttpUrl(value)) c.R.Error(path, "must be an absolute http(s) URL");
    }

    internal static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);

    private static void Secret(Context c, string path, string? value, bool required, string why)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required) c.R.Error(path, $"required ({why})");
            return;
        }
        var resolved = Secrets.Resolve(value, c.Env);
        if (!resolved.Ok) c.R.Error(path, resolved.Error!);
    }

    private static void OneOf(Context c, string path, string? value, IReadOnlyList<string> allowed)
    {
        if (string.IsNullOrEmpty(value)) c.R.Error(path, $"required, one of {string.Join(", ", allowed)}");
        else if (!allowed.Contains(value, StringComparer.Ordinal)) c.R.Error(path, $"'{value}' is not one of {string.Join(", ", allowed)}");
    }

    private static void ValidateCluster(Context c)
    {
        var p = $"{Root}:Cluster";
        var t = c.O.Cluster;
        if (string.IsNullOrWhiteSpace(c.O.ClusterName)) c.R.Error($"{Root}:ClusterName", "required");
        else if (!SystemName().IsMatch(c.O.ClusterName))
            c.R.Error($"{Root}:ClusterName", "must start with a letter or digit and hold only letters, digits, '-' and '_'");
        Positive(c, $"{p}:StableAfter", t.StableAfter);
        Positive(c, $"{p}:HeartbeatInterval", t.HeartbeatInterval);
        Positive(c, $"{p}:AcceptableHeartbeatPause", t.AcceptableHeartbeatPause);
        if (t.HeartbeatInterval > TimeSpan.Zero && t.AcceptableHeartbeatPause > TimeSpan.Zero && t.AcceptableHeartbeatPause < t.HeartbeatInterval)
            c.R.Error($"{p}:AcceptableHeartbeatPause", "must be at least HeartbeatInterval, or every heartbeat late by a hair makes a node unreachable");
        if (t.ExpectedNodes is { } n && n < 1) c.R.Error($"{p}:ExpectedNodes", $"must be at least 1, not {n}");
    }

    private static void ValidateRegions(Context c)
    {
        var p = $"{Root}:Regions";
        var regions = c.O.Regions;
        if (regions.Count == 0) { c.R.Error(p, "required: the site regions and the witness"); }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < regions.Count; i++)
        {
            var region = regions[i];
            if (string.IsNullOrWhiteSpace(region.Name)) c.R.Error($"{p}:{i}:Name", "required");
            else if (!RegionName().IsMatch(region.Name)) c.R.Error($"{p}:{i}:Name", "must be lowercase letters, digits and '-', like nyc1");
            else if (!seen.Add(region.Name)) c.R.Error($"{p}:{i}:Name", $"region '{region.Name}' is listed twice");
            OneOf(c, $"{p}:{i}:Kind", region.Kind, RegionKinds.All);
        }
        if (regions.Count > 0 && c.O.SiteRegions.Count() < 2)
            c.R.Error(p, "needs at least two regions of kind site: failover moves the shop from one site region to another");

        var active = c.O.InitialActiveRegion;
        if (string.IsNullOrWhiteSpace(active)) c.R.Error($"{Root}:InitialActiveRegion", "required: the site region that is active on the very first start");
        else if (c.O.FindRegion(active) is null) c.R.Error($"{Root}:InitialActiveRegion", $"'{active}' is not among Regions");
        else if (!c.IsSite(active)) c.R.Error($"{Root}:InitialActiveRegion", $"'{active}' is a witness region; the active region must be a site");
    }

    private static void ValidateProbes(Context c)
    {
        var p = $"{Root}:Probes";
        var probes = c.O.Probes;
        Positive(c, $"{p}:Interval", probes.Interval);
        Positive(c, $"{p}:Timeout", probes.Timeout);
        Positive(c, $"{p}:ConnectTimeout", probes.ConnectTimeout);
        if (probes.Timeout > TimeSpan.Zero && probes.Interval > TimeSpan.Zero && probes.Timeout >= probes.Interval)
            c.R.Error($"{p}:Timeout", $"must be shorter than Interval ({Durations.Format(probes.Interval)})");
        AtLeastOne(c, $"{p}:Rise", probes.Rise);
        AtLeastOne(c, $"{p}:Fall", probes.Fall);
        if (probes.Grace < TimeSpan.Zero) c.R.Error($"{p}:Grace", "must not be negative");
    }
}
