using Mesh.Contracts.Configuration;

namespace Mesh.Contracts.Tests;

public sealed class ConfigurationBindingTests
{
    [Fact]
    public void The_valid_configuration_binds_every_section()
    {
        var loaded = ValidConfig.Load(ValidConfig.Keys());

        Assert.Empty(loaded.Report.Errors);
        var o = loaded.Options!;
        Assert.Equal("nyc1-a", o.Node.Name);
        Assert.Equal(4053, o.Node.Port);
        Assert.Equal(3, o.Node.SeedNodes.Count);
        Assert.Equal(["nyc1", "ams3", "sfo3"], o.Regions.Select(r => r.Name));
        Assert.Equal(TimeSpan.FromSeconds(20), o.Cluster.StableAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(800), o.Probes.Timeout);
        Assert.Equal(6, o.Targets.Count);
        Assert.True(o.Targets[0].Critical);
        Assert.Equal("198.51.100.20", o.Failover.Dns!.Values["ams3"]);
        Assert.Equal("shop-db-nyc1", o.Failover.Fencing.DropletTags["nyc1"]);
        Assert.Equal(2, o.EffectiveQuorum);
    }

    [Fact]
    public void Defaults_follow_the_spec_example()
    {
        var o = ValidConfig.LoadWith(("Mesh:Failover:Quorum", null), ("Mesh:Probes", null), ("Mesh:Cluster", null)).Options!;

        Assert.Equal(2, o.EffectiveQuorum);               // majority of three regions
        Assert.Equal(2, o.MinimumMembers);                 // majority of the three seed nodes
        Assert.Equal(TimeSpan.FromSeconds(1), o.Probes.Interval);
        Assert.Equal(TimeSpan.FromSeconds(3), o.Probes.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), o.Cluster.StableAfter);
        Assert.Equal(TimeSpan.FromSeconds(15), o.Failover.Lease.Duration);
        Assert.Equal(PostgresFencing.Strict, o.Failover.Fencing.Postgres);
        Assert.Equal(RedisFencing.Replica, o.Failover.Fencing.Redis);
    }

    [Fact]
    public void Keys_outside_Mesh_are_ignored()
    {
        var keys = ValidConfig.Keys();
        keys["Logging:LogLevel:Default"] = "Debug";
        Assert.True(ValidConfig.Load(keys).Report.IsValid);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var report = ValidConfig.LoadWith(("Mesh:Node:Name", null), ("Mesh:Targets:2:Url", "ftp://x"), ("Mesh:Probes:Rise", "0")).Report;
        Assert.Equal(3, report.Errors.Count);
    }

    [Fact]
    public void No_secret_appears_in_the_options_text()
    {
        var env = new FakeEnvironment();
        var keys = ValidConfig.Keys();
        keys["Mesh:DigitalOcean:Token"] = "dop_v1_literal_token";
        keys["Mesh:Targets:0:ConnectionString"] = "Host=10.10.0.9;Username=mesh;Password=literal-pg-pw";
        keys["Mesh:Targets:3:Password"] = "literal-redis-pw";
        keys["Mesh:Api:Token"] = "literal-api-token";
        var o = ValidConfig.Load(keys, env).Options!;

        var text = string.Join("\n", o.ToString(), o.DigitalOcean, o.Api, o.Remote.Tls, string.Join("\n", o.Targets));
        foreach (var secret in new[] { "dop_v1_literal_token", "literal-pg-pw", "literal-redis-pw", "literal-api-token", "env:" })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.Contains("Host=10.10.0.9", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_strings_are_shown_without_their_password()
    {
        Assert.Equal("Host=db;Username=mesh", ConnectionStrings.Redact("Host=db;Username=mesh;Password=hunter2"));
        Assert.Equal("***", ConnectionStrings.Redact("env:PG_CONN"));
        Assert.DoesNotContain("hunter2", ConnectionStrings.Redact("Host=db;Password=hunter2;Bogus Key=1"), StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_resolve_from_environment_and_files()
    {
        var env = new FakeEnvironment();
        Assert.Equal("cert-secret", Secrets.Resolve("file:/etc/hm/cert.pass", env).Value);   // trailing newline dropped
        Assert.Equal("api-secret-token", Secrets.Resolve("env:API_TOKEN", env).Value);
        Assert.Equal("plain", Secrets.Resolve("plain", env).Value);
        var cs = ConnectionStrings.Resolve("Host=db;Username=mesh;Password=env:PG_PASSWORD", env);
        Assert.Contains("Password=pg-secret-pw", cs.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("pg-secret-pw", cs.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(20, true)]    // 20 x 2 reads a minute = 2400 an hour, under half of 5000
    [InlineData(21, false)]   // 2520 an hour: probes alone would use more than half the budget DNS switches need
    public void Load_balancer_reads_must_leave_half_of_the_DigitalOcean_rate_limit(int loadBalancers, bool valid)
    {
        var keys = ValidConfig.Keys();
        for (var i = 0; i < loadBalancers; i++)
        {
            var n = 10 + i;
            keys[$"Mesh:Targets:{n}:Id"] = $"lb-{i}";
            keys[$"Mesh:Targets:{n}:Kind"] = "loadbalancer";
            keys[$"Mesh:Targets:{n}:Region"] = i % 2 == 0 ? "nyc1" : "ams3";
            keys[$"Mesh:Targets:{n}:LoadBalancerId"] = Guid.NewGuid().ToString();
            keys[$"Mesh:Targets:{n}:Url"] = $"http://203.0.113.{i + 1}/health";
        }
        keys.Remove("Mesh:Targets:5:Id"); // drop the valid config's own load balancer so the count is exact
        foreach (var k in keys.Keys.Where(k => k.StartsWith("Mesh:Targets:5:", StringComparison.Ordinal)).ToList()) keys.Remove(k);

        var report = ValidConfig.Load(keys).Report;

        Assert.Equal(valid, report.IsValid);
        if (!valid) Assert.Contains(report.Errors, e => e.StartsWith("Mesh:Targets: 21 loadbalancer targets cause 2520 DigitalOcean API requests per hour", StringComparison.Ordinal));
    }
}
