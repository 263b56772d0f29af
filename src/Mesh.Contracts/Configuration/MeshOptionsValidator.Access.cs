namespace Mesh.Contracts.Configuration;

public static partial class MeshOptionsValidator
{
    // DigitalOcean's API limits, and the share of them probes may use so that actions never starve.
    private const int ApiRequestsPerHour = 5000;
    private const int ApiRequestsPerMinute = 250;
    private const double LoadBalancerReadsPerMinute = 2; // one reader for the whole cluster, every 30 s

    private static void ValidateDigitalOcean(Context c)
    {
        var p = $"{Root}:DigitalOcean";
        var d = c.O.DigitalOcean;
        HttpUrl(c, $"{p}:ApiUrl", d.ApiUrl);
        var loadBalancers = c.O.Targets.Count(t => t.Kind == TargetKinds.LoadBalancer);
        var reasons = new List<string>();
        if (c.O.Failover.Dns?.Provider == DnsProviders.DigitalOcean) reasons.Add("DNS records are switched through DigitalOcean");
        if (loadBalancers > 0) reasons.Add("loadbalancer targets are read through DigitalOcean");
        if (c.O.Failover.Fencing.PowerOffDroplets) reasons.Add("PowerOffDroplets acts through DigitalOcean");
        Secret(c, $"{p}:Token", d.Token, required: reasons.Count > 0, string.Join("; ", reasons));
        Secret(c, $"{p}:ActionsToken", d.ActionsToken, required: false, "");

        var perMinute = loadBalancers * LoadBalancerReadsPerMinute;
        if (perMinute * 60 > ApiRequestsPerHour / 2.0 || perMinute > ApiRequestsPerMinute / 2.0)
            c.R.Error($"{Root}:Targets",
                $"{loadBalancers} loadbalancer targets cause {perMinute * 60:0} DigitalOcean API requests per hour, above half of the {ApiRequestsPerHour}/hour limit that DNS switches and fences share");
    }

    private static void ValidateApi(Context c)
    {
        var p = $"{Root}:Api";
        var api = c.O.Api;
        Secret(c, $"{p}:Token", api.Token, required: api.ReadRequiresToken, "ReadRequiresToken is true");
        if (string.IsNullOrEmpty(api.Token) && !api.ReadRequiresToken)
            c.R.Warn($"{p}:Token", "not set: every mutating API call (switchover, failover, pause) will be refused");
    }

    private static void ValidateRemote(Context c)
    {
        var p = $"{Root}:Remote";
        var remote = c.O.Remote;
        if (remote.Tls.Enabled)
        {
            if (string.IsNullOrWhiteSpace(remote.Tls.CertificatePath)) c.R.Error($"{p}:Tls:CertificatePath", "required while Tls:Enabled is true");
            else if (!c.Env.FileExists(remote.Tls.CertificatePath)) c.R.Error($"{p}:Tls:CertificatePath", $"file {remote.Tls.CertificatePath} does not exist");
            Secret(c, $"{p}:Tls:CertificatePassword", remote.Tls.CertificatePassword, required: false, "");
            if (string.IsNullOrWhiteSpace(remote.Tls.CaCertificatePath))
                c.R.Warn($"{p}:Tls:CaCertificatePath", "not set: a peer is admitted with a certificate from any CA this machine trusts, the public ones included (set it to the mesh's CA)");
            else if (!c.Env.FileExists(remote.Tls.CaCertificatePath)) c.R.Error($"{p}:Tls:CaCertificatePath", $"file {remote.Tls.CaCertificatePath} does not exist");
            return;
        }
        if (remote.AllowInsecureRemoting) return;
        const string why = "is neither loopback nor private, and remoting without TLS lets anyone who can reach it join and forge votes (enable Remote:Tls, or set Remote:AllowInsecureRemoting)";
        var node = c.O.Node;
        if (node.Hostname is { Length: > 0 } host && !NetworkAddresses.IsLoopbackOrPrivate(host)) c.R.Error($"{Root}:Node:Hostname", $"{host} {why}");
        if (node.PublicHostname is { Length: > 0 } pub && !NetworkAddresses.IsLoopbackOrPrivate(pub)) c.R.Error($"{Root}:Node:PublicHostname", $"{pub} {why}");
        for (var i = 0; i < node.SeedNodes.Count; i++)
            if (AkkaAddresses.TryParse(node.SeedNodes[i]) is { } seed && !NetworkAddresses.IsLoopbackOrPrivate(seed.Host))
                c.R.Error($"{Root}:Node:SeedNodes:{i}", $"{seed.Host} {why}");
    }
}
