namespace Mesh.Contracts.Tests;

/// <summary>
/// One row per validation rule: the valid configuration with one change, and the one line it must
/// produce (its JSON path and the words that explain it). "-Key" removes a key and its children.
/// </summary>
public sealed class ValidationRuleTests
{
    public static TheoryData<string, string, string> Errors => new()
    {
        // shape: unknown keys, wrong types, bad durations
        { "Mesh:Nodes:Name=x", "Mesh:Nodes", "unknown key" },
        { "Mesh:Targets:2:Uri=http://x", "Mesh:Targets:2:Uri", "unknown key" },
        { "Mesh:Failover:Lease:Length=00:00:10", "Mesh:Failover:Lease:Length", "unknown key" },
        { "Mesh:Node:Port=eighty", "Mesh:Node:Port", "whole number" },
        { "Mesh:Targets:0:Critical=yes", "Mesh:Targets:0:Critical", "true or false" },
        { "Mesh:Cluster:StableAfter=20", "Mesh:Cluster:StableAfter", "hh:mm:ss" },
        { "Mesh:Probes:Interval=1s", "Mesh:Probes:Interval", "hh:mm:ss" },
        { "Mesh:Node:Name:First=x", "Mesh:Node:Name", "single value" },
        { "-Mesh:Node|Mesh:Node=flat", "Mesh:Node", "must be an object" },
        // required fields
        { "-Mesh:Node:Name", "Mesh:Node:Name", "required" },
        { "-Mesh:Node:Region", "Mesh:Node:Region", "required" },
        { "-Mesh:Node:Hostname", "Mesh:Node:Hostname", "required" },
        { "-Mesh:Node:Port", "Mesh:Node:Port", "required" },
        { "-Mesh:Node:SeedNodes", "Mesh:Node:SeedNodes", "required" },
        { "-Mesh:Node:HttpUrls", "Mesh:Node:HttpUrls", "required" },
        { "-Mesh:Node:DataDir", "Mesh:Node:DataDir", "required" },
        { "-Mesh:Regions", "Mesh:Regions", "required" },
        { "-Mesh:InitialActiveRegion", "Mesh:InitialActiveRegion", "required" },
        { "-Mesh:Failover:Dns", "Mesh:Failover:Dns", "required" },
        { "-Mesh:Targets:0:Id", "Mesh:Targets:0:Id", "required" },
        { "-Mesh:Targets:0:Kind", "Mesh:Targets:0:Kind", "required" },
        { "-Mesh:Targets:0:Region", "Mesh:Targets:0:Region", "required" },
        { "-Mesh:Targets:0:ConnectionString", "Mesh:Targets:0:ConnectionString", "required" },
        { "-Mesh:Targets:3:Endpoint", "Mesh:Targets:3:Endpoint", "required" },
        { "-Mesh:Targets:2:Url", "Mesh:Targets:2:Url", "required" },
        { "-Mesh:Targets:5:LoadBalancerId", "Mesh:Targets:5:LoadBalancerId", "required" },
        { "-Mesh:Targets:0:Group", "Mesh:Targets:0:Group", "required" },
        { "-Mesh:DigitalOcean:Token", "Mesh:DigitalOcean:Token", "required" },
        // identities and names
        { "Mesh:ClusterName=health mesh", "Mesh:ClusterName", "letters, digits" },
        { "Mesh:Node:Name=nyc 1", "Mesh:Node:Name", "letters, digits" },
        { "Mesh:Regions:1:Name=nyc1", "Mesh:Regions:1:Name", "listed twice" },
        { "Mesh:Regions:1:Name=AMS3", "Mesh:Regions:1:Name", "lowercase" },
        { "Mesh:Regions:2:Kind=observer", "Mesh:Regions:2:Kind", "not one of site, witness" },
        { "Mesh:Regions:1:Kind=witness", "Mesh:Regions", "at least two regions of kind site" },
        // regions referenced
        { "Mesh:Node:Region=lon1", "Mesh:Node:Region", "not among Regions" },
        { "Mesh:InitialActiveRegion=lon1", "Mesh:InitialActiveRegion", "not among Regions" },
        { "Mesh:InitialActiveRegion=sfo3", "Mesh:InitialActiveRegion", "witness" },
        { "Mesh:Targets:2:Region=lon1", "Mesh:Targets:2:Region", "not among Regions" },
        { "Mesh:Targets:2:Region=sfo3", "Mesh:Targets:2:Region", "witness region" },
        // targets
        { "Mesh:Targets:1:Id=pg-nyc1", "Mesh:Targets:1:Id", "duplicate target id 'pg-nyc1'" },
        { "Mesh:Targets:1:Id=PG-NYC1", "Mesh:Targets:1:Id", "duplicate target id" },
        { "Mesh:Targets:1:Id=pg/ams3", "Mesh:Targets:1:Id", "letters, digits" },
        { "Mesh:Targets:2:Kind=ftp", "Mesh:Targets:2:Kind", "not one of postgres, redis, http, loadbalancer" },
        { "Mesh:Targets:2:Url=10.10.0.7/health", "Mesh:Targets:2:Url", "must be an absolute http(s) URL" },
        { "Mesh:Targets:2:Url=ftp://10.10.0.7/health", "Mesh:Targets:2:Url", "must be an absolute http(s) URL" },
        { "Mesh:Targets:5:Url=/health", "Mesh:Targets:5:Url", "must be an absolute http(s) URL" },
        { "Mesh:Targets:0:ConnectionString=Host=db;Bogus Keyword=1", "Mesh:Targets:0:ConnectionString", "not a valid PostgreSQL connection string" },
        { "Mesh:Targets:0:ConnectionString=Username=mesh", "Mesh:Targets:0:ConnectionString", "names no Host" },
        { "Mesh:Targets:3:Endpoint=10.10.0.11", "Mesh:Targets:3:Endpoint", "host:port" },
        { "Mesh:Targets:3:Endpoint=10.10.0.11:99999", "Mesh:Targets:3:Endpoint", "host:port" },
        { "Mesh:Targets:5:LoadBalancerId=lb-1", "Mesh:Targets:5:LoadBalancerId", "UUID" },
        { "Mesh:Targets:2:ExpectStatus=42", "Mesh:Targets:2:ExpectStatus", "between 100 and 599" },
        { "Mesh:Targets:0:Url=http://x", "Mesh:Targets:0:Url", "does not apply to a target of kind postgres" },
        { "Mesh:Targets:2:ConnectionString=Host=x", "Mesh:Targets:2:ConnectionString", "does not apply to a target of kind http" },
        { "Mesh:Targets:4:Kind=postgres", "Mesh:Targets:4:Group", "mixes kinds" },
        { "Mesh:Targets:1:Region=nyc1", "Mesh:Targets:1:Group", "already has a member in region 'nyc1'" },
        { "Mesh:Targets:2:Rise=0", "Mesh:Targets:2:Rise", "at least 1" },
        { "Mesh:Targets:2:Fall=0", "Mesh:Targets:2:Fall", "at least 1" },
        { "Mesh:Targets:2:Interval=00:00:00", "Mesh:Targets:2:Interval", "positive" },
        { "Mesh:Targets:2:Timeout=00:00:02", "Mesh:Targets:2:Timeout", "shorter than the interval" },
        { "Mesh:Targets:2:Grace=-00:00:01", "Mesh:Targets:2:Grace", "hh:mm:ss" },
        // secrets
        { "Mesh:Targets:0:ConnectionString=Host=db;Password=env:NOPE", "Mesh:Targets:0:ConnectionString", "environment variable NOPE is not set" },
        { "Mesh:Targets:0:ConnectionString=env:PG_CONN", "Mesh:Targets:0:ConnectionString", "environment variable PG_CONN is not set" },
        { "Mesh:Targets:3:Password=file:/missing", "Mesh:Targets:3:Password", "file /missing cannot be read" },
        { "Mesh:DigitalOcean:Token=env:NOPE", "Mesh:DigitalOcean:Token", "environment variable NOPE is not set" },
        { "Mesh:DigitalOcean:ActionsToken=env:", "Mesh:DigitalOcean:ActionsToken", "needs a variable name" },
        { "Mesh:Api:Token=file:/missing", "Mesh:Api:Token", "cannot be read" },
        { "Mesh:Api:ReadRequiresToken=true|-Mesh:Api:Token", "Mesh:Api:Token", "required (ReadRequiresToken is true)" },
        // node
        { "Mesh:Node:Port=0", "Mesh:Node:Port", "between 1 and 65535" },
        { "Mesh:Node:Port=70000", "Mesh:Node:Port", "between 1 and 65535" },
        { "Mesh:Node:HttpUrls=0.0.0.0:8080", "Mesh:Node:HttpUrls", "absolute http(s) URL" },
        { "Mesh:Node:DataDir=data", "Mesh:Node:DataDir", "absolute path" },
        { "Mesh:Node:SeedNodes:1=10.20.0.7:4053", "Mesh:Node:SeedNodes:1", "must be an address like akka.tcp://" },
        { "Mesh:Node:SeedNodes:1=akka.tcp://other@10.20.0.7:4053", "Mesh:Node:SeedNodes:1", "names the cluster 'other'" },
        { "Mesh:Node:SeedNodes:1=akka.ssl.tcp://health-mesh@10.20.0.7:4053", "Mesh:Node:SeedNodes:1", "must use akka.tcp://" },
        { "Mesh:Node:SeedNodes:1=akka.tcp://health-mesh@10.10.0.5:4053", "Mesh:Node:SeedNodes:1", "listed twice" },
        // cluster and probes
        { "Mesh:Cluster:StableAfter=00:00:00", "Mesh:Cluster:StableAfter", "positive" },
        { "Mesh:Cluster:HeartbeatInterval=00:00:00", "Mesh:Cluster:HeartbeatInterval", "positive" },
        { "Mesh:Cluster:AcceptableHeartbeatPause=00:00:00.500", "Mesh:Cluster:AcceptableHeartbeatPause", "at least HeartbeatInterval" },
        { "Mesh:Cluster:ExpectedNodes=0", "Mesh:Cluster:ExpectedNodes", "at least 1" },
        { "Mesh:Probes:Interval=00:00:00", "Mesh:Probes:Interval", "positive" },
        { "Mesh:Probes:Timeout=00:00:01", "Mesh:Probes:Timeout", "shorter than Interval" },
        { "Mesh:Probes:ConnectTimeout=00:00:00", "Mesh:Probes:ConnectTimeout", "positive" },
        { "Mesh:Probes:Rise=0", "Mesh:Probes:Rise", "at least 1" },
        { "Mesh:Probes:Fall=-1", "Mesh:Probes:Fall", "at least 1" },
        // failover
        { "Mesh:Failover:Mode=auto", "Mesh:Failover:Mode", "not one of automatic, manual, dry-run" },
        { "Mesh:Failover:Quorum=0", "Mesh:Failover:Quorum", "between 1 and the number of regions (3)" },
        { "Mesh:Failover:Quorum=4", "Mesh:Failover:Quorum", "between 1 and the number of regions (3)" },
        { "Mesh:Failover:Quorum=1", "Mesh:Failover:Quorum", "majority of the 3 regions" },
        { "Mesh:Failover:ObservationMaxAge=00:00:00.500", "Mesh:Failover:ObservationMaxAge", "longer than Probes:Interval" },
        { "Mesh:Failover:MaxLagBytes=-1", "Mesh:Failover:MaxLagBytes", "negative" },
        { "Mesh:Failover:Cooldown=00:00:00", "Mesh:Failover:Cooldown", "positive" },
        { "Mesh:Failover:Switchover:CatchUpTimeout=00:00:00", "Mesh:Failover:Switchover:CatchUpTimeout", "positive" },
        { "Mesh:Failover:Lease:RenewInterval=00:00:00", "Mesh:Failover:Lease:RenewInterval", "positive" },
        { "Mesh:Failover:Lease:FenceLead=00:00:01", "Mesh:Failover:Lease:FenceLead", "at least 2 x RenewInterval" },
        { "Mesh:Failover:Lease:Duration=00:00:07|Mesh:Cluster:HeartbeatInterval=00:00:00.500|Mesh:Cluster:AcceptableHeartbeatPause=00:00:01", "Mesh:Failover:Lease:Duration", "at least FenceLead + 3 x RenewInterval (00:00:08)" },
        { "Mesh:Failover:Lease:Duration=00:00:10", "Mesh:Failover:Lease:Duration", "Cluster:HeartbeatInterval + Cluster:AcceptableHeartbeatPause" },
        { "Mesh:Cluster:AcceptableHeartbeatPause=00:00:09", "Mesh:Failover:Lease:Duration", "or a pause the cluster tolerates fences the active region" },
        { "Mesh:Failover:Lease:DriftMargin=00:00:15", "Mesh:Failover:Lease:DriftMargin", "shorter than Duration" },
        // dns
        { "Mesh:Failover:Dns:Provider=route53", "Mesh:Failover:Dns:Provider", "not one of digitalocean" },
        { "-Mesh:Failover:Dns:Domain", "Mesh:Failover:Dns:Domain", "required" },
        { "Mesh:Failover:Dns:Domain=exa mple.com", "Mesh:Failover:Dns:Domain", "not a domain name" },
        { "-Mesh:Failover:Dns:Records", "Mesh:Failover:Dns:Records", "at least one record" },
        { "Mesh:Failover:Dns:Records:0:Type=MX", "Mesh:Failover:Dns:Records:0:Type", "not one of A, AAAA, CNAME" },
        { "Mesh:Failover:Dns:Records:0:Ttl=5", "Mesh:Failover:Dns:Records:0:Ttl", "between 30" },
        { "Mesh:Failover:Dns:Records:1:Name=shop", "Mesh:Failover:Dns:Records:1:Name", "listed twice" },
        { "-Mesh:Failover:Dns:Values:ams3", "Mesh:Failover:Dns:Values:ams3", "required" },
        { "Mesh:Failover:Dns:Values:sfo3=192.0.2.1", "Mesh:Failover:Dns:Values:sfo3", "witness region" },
        { "Mesh:Failover:Dns:Values:lon1=192.0.2.1", "Mesh:Failover:Dns:Values:lon1", "not among Regions" },
        { "Mesh:Failover:Dns:Values:ams3=shop.example.net", "Mesh:Failover:Dns:Values:ams3", "not an IPv4 address" },
        { "Mesh:Failover:Dns:Values:ams3=203.0.113.10", "Mesh:Failover:Dns:Values", "share the value" },
        // fencing
        { "Mesh:Failover:Fencing:Postgres=stop", "Mesh:Failover:Fencing:Postgres", "not one of strict, read-only, none" },
        { "Mesh:Failover:Fencing:Redis=shutdown", "Mesh:Failover:Fencing:Redis", "not one of replica, none" },
        { "Mesh:Failover:Fencing:Postgres=none|Mesh:Failover:Fencing:PowerOffDroplets=false", "Mesh:Failover:Fencing:Postgres", "needs PowerOffDroplets" },
        { "-Mesh:Failover:Fencing:DropletTags:ams3", "Mesh:Failover:Fencing:DropletTags:ams3", "required while PowerOffDroplets" },
        { "Mesh:Failover:Fencing:DropletTags:sfo3=tag", "Mesh:Failover:Fencing:DropletTags:sfo3", "witness region" },
        { "Mesh:Failover:Fencing:DropletTags:nyc1=shop db", "Mesh:Failover:Fencing:DropletTags:nyc1", "DigitalOcean tag" },
        // digitalocean, remote
        { "Mesh:DigitalOcean:ApiUrl=api.digitalocean.com", "Mesh:DigitalOcean:ApiUrl", "absolute http(s) URL" },
        { "Mesh:Node:Hostname=203.0.113.5", "Mesh:Node:Hostname", "neither loopback nor private" },
        { "Mesh:Node:PublicHostname=mesh.example.com", "Mesh:Node:PublicHostname", "neither loopback nor private" },
        { "Mesh:Node:SeedNodes:2=akka.tcp://health-mesh@192.0.2.9:4053", "Mesh:Node:SeedNodes:2", "neither loopback nor private" },
        { "Mesh:Remote:Tls:Enabled=true|Mesh:Node:SeedNodes:0=akka.ssl.tcp://health-mesh@10.10.0.5:4053|-Mesh:Node:SeedNodes:1|-Mesh:Node:SeedNodes:2", "Mesh:Remote:Tls:CertificatePath", "required" },
        { "Mesh:Remote:Tls:Enabled=true|Mesh:Remote:Tls:CertificatePath=/nope.pfx|Mesh:Node:SeedNodes:0=akka.ssl.tcp://health-mesh@10.10.0.5:4053|-Mesh:Node:SeedNodes:1|-Mesh:Node:SeedNodes:2", "Mesh:Remote:Tls:CertificatePath", "does not exist" },
        { "Mesh:Remote:Tls:Enabled=true|Mesh:Remote:Tls:CertificatePath=/etc/hm/node.pfx|Mesh:Remote:Tls:CertificatePassword=env:NOPE|Mesh:Node:SeedNodes:0=akka.ssl.tcp://health-mesh@10.10.0.5:4053|-Mesh:Node:SeedNodes:1|-Mesh:Node:SeedNodes:2", "Mesh:Remote:Tls:CertificatePassword", "NOPE is not set" },
        { "Mesh:Remote:Tls:Enabled=true|Mesh:Remote:Tls:CertificatePath=/etc/hm/node.pfx|Mesh:Node:SeedNodes:0=akka.ssl.tcp://health-mesh@10.10.0.5:4053|-Mesh:Node:SeedNodes:1|-Mesh:Node:SeedNodes:2|Mesh:Remote:Tls:CaCertificatePath=/nope.crt", "Mesh:Remote:Tls:CaCertificatePath", "does not exist" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void A_broken_rule_is_one_line_naming_its_path(string changes, string path, string words)
    {
        var report = ValidConfig.LoadWith(Parse(changes)).Report;

        var lines = report.Errors.Where(l => l.StartsWith(path + ": ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"expected one error at {path}, got:\n{string.Join("\n", report.Errors)}");
        Assert.Contains(words, lines[0], StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Warnings => new()
    {
        { "Mesh:Failover:Quorum=3", "Mesh:Failover:Quorum", "losing any region" },
        { "Mesh:Regions:2:Kind=site|Mesh:Failover:Dns:Values:sfo3=192.0.2.1|Mesh:Failover:Fencing:DropletTags:sfo3=t", "Mesh:Regions", "no witness region" },
        { "Mesh:Failover:Fencing:Postgres=read-only", "Mesh:Failover:Fencing:Postgres", "advisory" },
        { "Mesh:Failover:Fencing:PowerOffDroplets=false", "Mesh:Failover:Fencing", "a crashed primary" },
        { "-Mesh:Targets:4", "Mesh:Targets", "group 'cache' has no member in site region 'ams3'" },
        { "Mesh:Targets:1:Critical=false", "Mesh:Targets", "site region 'ams3' has no critical target" },
        { "-Mesh:Api:Token", "Mesh:Api:Token", "mutating API call" },
        { "Mesh:Cluster:ExpectedNodes=1", "Mesh:Cluster:ExpectedNodes", "minority of the seeds" },
        { "Mesh:Remote:Tls:Enabled=true|Mesh:Remote:Tls:CertificatePath=/etc/hm/node.pfx|Mesh:Node:SeedNodes:0=akka.ssl.tcp://health-mesh@10.10.0.5:4053|-Mesh:Node:SeedNodes:1|-Mesh:Node:SeedNodes:2", "Mesh:Remote:Tls:CaCertificatePath", "any CA this machine trusts" },
    };

    [Theory]
    [MemberData(nameof(Warnings))]
    public void A_risky_choice_is_a_warning_not_an_error(string changes, string path, string words)
    {
        var report = ValidConfig.LoadWith(Parse(changes)).Report;

        Assert.True(report.IsValid, string.Join("\n", report.Errors));
        Assert.Contains(report.Warnings, l => l.StartsWith(path + ": ", StringComparison.Ordinal) && l.Contains(words, StringComparison.Ordinal));
    }

    [Fact]
    public void The_valid_configuration_has_no_errors_and_no_warnings()
    {
        var report = ValidConfig.LoadWith().Report;
        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Theory]
    [InlineData("Mesh:Failover:Mode=manual|Mesh:Failover:Quorum=1")]          // a minority quorum only decides, never acts on its own
    [InlineData("Mesh:Remote:AllowInsecureRemoting=true|Mesh:Node:Hostname=203.0.113.5")]
    [InlineData("Mesh:Node:Hostname=127.0.0.1|Mesh:Node:SeedNodes:0=akka.tcp://health-mesh@localhost:4053")]
    [InlineData("Mesh:Failover:Dns:Records:0:Type=CNAME|Mesh:Failover:Dns:Values:nyc1=lb-nyc1.example.com|Mesh:Failover:Dns:Values:ams3=lb-ams3.example.com")]
    [InlineData("Mesh:Targets:0:ConnectionString=Host=db;Username=mesh;Password=file:/etc/hm/cert.pass")]
    [InlineData("Mesh:Cluster:StableAfter=1.00:00:00")]
    [InlineData("Mesh:Remote:Tls:Enabled=true|Mesh:Remote:Tls:CertificatePath=/etc/hm/node.pfx|Mesh:Node:SeedNodes:0=akka.ssl.tcp://health-mesh@10.10.0.5:4053|-Mesh:Node:SeedNodes:1|-Mesh:Node:SeedNodes:2|Mesh:Remote:Tls:CaCertificatePath=/etc/hm/ca.crt")]
    public void Acceptable_variations_are_valid(string changes)
    {
        var report = ValidConfig.LoadWith(Parse(changes)).Report;
        Assert.True(report.IsValid, string.Join("\n", report.Errors));
    }

    private static (string, string?)[] Parse(string changes) =>
        changes.Length == 0 ? [] : changes.Split('|').Select(c =>
            c.StartsWith('-') ? (c[1..], (string?)null) : (c[..c.IndexOf('=', StringComparison.Ordinal)], c[(c.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToArray();
}
