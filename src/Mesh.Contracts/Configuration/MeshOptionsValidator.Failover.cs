using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Mesh.Contracts.Configuration;

public static partial class MeshOptionsValidator
{
    private static readonly IReadOnlyList<string> RecordTypes = ["A", "AAAA", "CNAME"];

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^[A-Za-z0-9_:\-]{1,255}$")]
    private static partial Regex DropletTag();

    private static void ValidateFailover(Context c)
    {
        var p = $"{Root}:Failover";
        var f = c.O.Failover;
        OneOf(c, $"{p}:Mode", f.Mode, FailoverModes.All);
        ValidateQuorum(c, p, f);
        Positive(c, $"{p}:ObservationMaxAge", f.ObservationMaxAge);
        if (f.ObservationMaxAge > TimeSpan.Zero && f.ObservationMaxAge <= c.O.Probes.Interval)
            c.R.Error($"{p}:ObservationMaxAge", $"must be longer than Probes:Interval ({Durations.Format(c.O.Probes.Interval)}), or every observation is stale before the next arrives");
        if (f.MaxLagBytes < 0) c.R.Error($"{p}:MaxLagBytes", "must not be negative");
        Positive(c, $"{p}:Cooldown", f.Cooldown);
        ValidateLease(c, $"{p}:Lease", f.Lease);
        Positive(c, $"{p}:Switchover:CatchUpTimeout", f.Switchover.CatchUpTimeout);
        ValidateDns(c, $"{p}:Dns", f.Dns);
        ValidateFencing(c, $"{p}:Fencing", f);
    }

    private static void ValidateQuorum(Context c, string p, FailoverOptions f)
    {
        var regions = c.O.Regions.Count;
        if (regions == 0) return;
        var majority = regions / 2 + 1;
        if (f.Quorum is { } q)
        {
            if (q < 1 || q > regions) c.R.Error($"{p}:Quorum", $"must be between 1 and the number of regions ({regions}), not {q}");
            else if (f.Mode == FailoverModes.Automatic && q < majority)
                c.R.Error($"{p}:Quorum", $"must be a majority of the {regions} regions (at least {majority}) in automatic mode, or two sides could each fail over");
        }
        if (c.O.EffectiveQuorum == regions && regions > 1)
            c.R.Warn($"{p}:Quorum", $"equals the number of regions ({regions}): losing any region, the active one included, blocks automatic failover");
        if (!c.O.Regions.Any(r => r.Kind == RegionKinds.Witness))
            c.R.Warn($"{Root}:Regions", "no witness region: the mesh cannot fail over when a whole site region is lost or cut off (add a witness)");
    }

    private static void ValidateLease(Context c, string p, LeaseOptions l)
    {
        Positive(c, $"{p}:Duration", l.Duration);
        Positive(c, $"{p}:RenewInterval", l.RenewInterval);
        Positive(c, $"{p}:FenceLead", l.FenceLead);
        Positive(c, $"{p}:DriftMargin", l.DriftMargin);
        if (l.RenewInterval <= TimeSpan.Zero || l.FenceLead <= TimeSpan.Zero || l.Duration <= TimeSpan.Zero) return;
        if (l.FenceLead < 2 * l.RenewInterval)
            c.R.Error($"{p}:FenceLead", $"must be at least 2 x RenewInterval ({Durations.Format(2 * l.RenewInterval)})");
        if (l.Duration < l.FenceLead + 3 * l.RenewInterval)
            c.R.Error($"{p}:Duration", $"must be at least FenceLead + 3 x RenewInterval ({Durations.Format(l.FenceLead + 3 * l.RenewInterval)})");
        // A network pause that the failure detector still tolerates must not fence the active region.
        var tolerated = c.O.Cluster.HeartbeatInterval + c.O.Cluster.AcceptableHeartbeatPause;
        if (l.Duration - l.FenceLead <= tolerated)
            c.R.Error($"{p}:Duration", $"minus FenceLead must exceed Cluster:HeartbeatInterval + Cluster:AcceptableHeartbeatPause ({Durations.Format(tolerated)}), or a pause the cluster tolerates fences the active region");
        if (l.DriftMargin >= l.Duration) c.R.Error($"{p}:DriftMargin", "must be shorter than Duration");
    }

    private static void ValidateDns(Context c, string p, DnsOptions? dns)
    {
        if (dns is null) { c.R.Error(p, "required: the records that point the shop at its active region"); return; }
        OneOf(c, $"{p}:Provider", dns.Provider, DnsProviders.All);
        if (string.IsNullOrWhiteSpace(dns.Domain)) c.R.Error($"{p}:Domain", "required, e.g. example.com");
        else if (!HostName().IsMatch(dns.Domain)) c.R.Error($"{p}:Domain", $"'{dns.Domain}' is not a domain name");

        if (dns.Records.Count == 0) c.R.Error($"{p}:Records", "required: at least one record to switch");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < dns.Records.Count; i++)
        {
            var rec = dns.Records[i];
            var rp = $"{p}:Records:{i}";
            if (string.IsNullOrWhiteSpace(rec.Name)) c.R.Error($"{rp}:Name", "required: the name relative to Domain, or @");
            else if (rec.Name != "@" && !HostName().IsMatch(rec.Name)) c.R.Error($"{rp}:Name", $"'{rec.Name}' is not a valid record name");
            else if (!seen.Add($"{rec.Name}/{rec.Type}")) c.R.Error($"{rp}:Name", $"record {rec.Name} {rec.Type} is listed twice");
            OneOf(c, $"{rp}:Type", rec.Type, RecordTypes);
            if (rec.Ttl is < 30 or > 86400) c.R.Error($"{rp}:Ttl", $"must be between 30 (DigitalOcean's minimum) and 86400 seconds, not {rec.Ttl}");
        }

        foreach (var site in c.SiteNames.Where(s => !dns.Values.ContainsKey(s)))
            c.R.Error($"{p}:Values:{site}", $"required: the value the records take when site region '{site}' is active");
        foreach (var (region, value) in dns.Values)
        {
            var vp = $"{p}:Values:{region}";
            if (c.O.FindRegion(region) is null) { c.R.Error(vp, $"'{region}' is not among Regions"); continue; }
            if (!c.IsSite(region)) { c.R.Error(vp, $"'{region}' is a witness region; only site regions can be active"); continue; }
            foreach (var type in dns.Records.Select(r => r.Type).Distinct())
                if (RecordValueError(type, value) is { } error) c.R.Error(vp, error);
        }
        var duplicates = dns.Values.GroupBy(kv => kv.Value, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1);
        foreach (var d in duplicates)
            c.R.Error($"{p}:Values", $"regions {string.Join(" and ", d.Select(kv => kv.Key))} share the value {d.Key}, so the records cannot tell which is active");
    }

    private static string? RecordValueError(string type, string? value) => value is null ? "required: a record value" : type switch
    {
        "A" when !(IPAddress.TryParse(value, out var ip) && ip.AddressFamily == AddressFamily.InterNetwork) => $"'{value}' is not an IPv4 address, as an A record needs",
        "AAAA" when !(IPAddress.TryParse(value, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6) => $"'{value}' is not an IPv6 address, as an AAAA record needs",
        "CNAME" when !HostName().IsMatch(value) => $"'{value}' is not a host name, as a CNAME record needs",
        _ => null,
    };

    private static void ValidateFencing(Context c, string p, FailoverOptions f)
    {
        var fencing = f.Fencing;
        OneOf(c, $"{p}:Postgres", fencing.Postgres, PostgresFencing.All);
        OneOf(c, $"{p}:Redis", fencing.Redis, RedisFencing.All);
        var automatic = f.Mode == FailoverModes.Automatic;
        if (fencing.Postgres == PostgresFencing.None && automatic && !fencing.PowerOffDroplets)
            c.R.Error($"{p}:Postgres", "none needs PowerOffDroplets in automatic mode: without a fence nothing proves the old primary stopped");
        if (fencing.Postgres == PostgresFencing.ReadOnly)
            c.R.Warn($"{p}:Postgres", "read-only is advisory (clients can SET it back), so lease expiry is not accepted as proof of a fence; prefer strict");
        if (automatic && !fencing.PowerOffDroplets && !fencing.AcceptUnreachablePrimary)
            c.R.Warn(p, "neither PowerOffDroplets nor AcceptUnreachablePrimary: a crashed primary leaves an automatic failover blocked for an operator");
        if (fencing.PowerOffDroplets)
            foreach (var site in c.SiteNames.Where(s => !fencing.DropletTags.ContainsKey(s)))
                c.R.Error($"{p}:DropletTags:{site}", $"required while PowerOffDroplets is true: the tag of site region '{site}''s database droplets");
        foreach (var (region, tag) in fencing.DropletTags)
        {
            var tp = $"{p}:DropletTags:{region}";
            if (c.O.FindRegion(region) is null) c.R.Error(tp, $"'{region}' is not among Regions");
            else if (!c.IsSite(region)) c.R.Error(tp, $"'{region}' is a witness region, which has no databases to power off");
            if (tag is null || !DropletTag().IsMatch(tag)) c.R.Error(tp, "must be a DigitalOcean tag: letters, digits, ':', '-' and '_'");
        }
    }
}
