namespace Mesh.Contracts.Configuration;

public static partial class MeshOptionsValidator
{
    private static void ValidateNode(Context c)
    {
        var p = $"{Root}:Node";
        var n = c.O.Node;
        if (string.IsNullOrWhiteSpace(n.Name)) c.R.Error($"{p}:Name", "required");
        else if (!Identifier().IsMatch(n.Name)) c.R.Error($"{p}:Name", "must hold only letters, digits, '.', '-' and '_'");

        if (string.IsNullOrWhiteSpace(n.Region)) c.R.Error($"{p}:Region", "required");
        else if (c.O.Regions.Count > 0 && c.O.FindRegion(n.Region) is null)
            c.R.Error($"{p}:Region", $"'{n.Region}' is not among Regions ({string.Join(", ", c.O.Regions.Select(r => r.Name))})");

        if (string.IsNullOrWhiteSpace(n.Hostname)) c.R.Error($"{p}:Hostname", "required: the address remoting binds to");
        if (n.Port is null) c.R.Error($"{p}:Port", "required");
        else if (n.Port is < 1 or > 65535) c.R.Error($"{p}:Port", $"must be between 1 and 65535, not {n.Port}");

        ValidateSeeds(c, $"{p}:SeedNodes", n.SeedNodes);

        if (string.IsNullOrWhiteSpace(n.HttpUrls)) c.R.Error($"{p}:HttpUrls", "required, e.g. http://0.0.0.0:8080");
        else
        {
            foreach (var url in n.HttpUrls.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                if (!IsHttpUrl(url)) c.R.Error($"{p}:HttpUrls", $"'{url}' must be an absolute http(s) URL");
        }

        if (string.IsNullOrWhiteSpace(n.DataDir)) c.R.Error($"{p}:DataDir", "required: where this node keeps its durable state");
        else if (!Path.IsPathRooted(n.DataDir)) c.R.Error($"{p}:DataDir", "must be an absolute path");
    }

    private static void ValidateSeeds(Context c, string path, IReadOnlyList<string> seeds)
    {
        if (seeds.Count == 0)
        {
            c.R.Error(path, "required: one node of every region, the witness included");
            return;
        }
        var expectedProtocol = c.O.Remote.Tls.Enabled ? AkkaAddresses.SslTcp : AkkaAddresses.Tcp;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < seeds.Count; i++)
        {
            var seed = AkkaAddresses.TryParse(seeds[i]);
            if (seed is null)
            {
                c.R.Error($"{path}:{i}", $"must be an address like {expectedProtocol}://{c.O.ClusterName}@10.0.0.5:4053");
                continue;
            }
            if (seed.Protocol != expectedProtocol)
                c.R.Error($"{path}:{i}", $"must use {expectedProtocol}:// while Remote:Tls:Enabled is {c.O.Remote.Tls.Enabled.ToString().ToLowerInvariant()}");
            if (seed.System != c.O.ClusterName)
                c.R.Error($"{path}:{i}", $"names the cluster '{seed.System}', but ClusterName is '{c.O.ClusterName}'");
            if (!seen.Add($"{seed.Host}:{seed.Port}")) c.R.Error($"{path}:{i}", "is listed twice");
        }
        if (c.O.Cluster.ExpectedNodes is { } expected && expected < seeds.Count)
            c.R.Warn($"{Root}:Cluster:ExpectedNodes", $"{expected} is fewer than the {seeds.Count} seed nodes: a minority of the seeds could form a cluster of their own");
    }
}
