using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Mesh.Node.Tests;

public sealed class CommandLineTests
{
    private readonly string _dir = TestConfigs.NewDirectory();

    [Fact]
    public async Task Validate_accepts_a_valid_file_and_exits_0()
    {
        var node = TestConfigs.Mesh(_dir)[0];

        var run = await CliRun.RunAsync("validate", "--config", node.ConfigPath);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("valid: node nyc1-a in region nyc1", run.Stdout, StringComparison.Ordinal);
        Assert.All(run.ErrorLines, l => Assert.StartsWith("warning: ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Validate_prints_one_line_per_problem_and_exits_2()
    {
        var node = TestConfigs.Mesh(_dir)[0];
        TestConfigs.Edit(node.ConfigPath, mesh =>
        {
            mesh["Node"]!["Port"] = 0;
            mesh["Regions"]![2]!["Name"] = "nyc1";
            mesh["Targets"] = new JsonArray(new JsonObject { ["Id"] = "app", ["Kind"] = "http", ["Region"] = "ams3", ["Url"] = "not a url" });
        });

        var run = await CliRun.RunAsync("validate", "--config", node.ConfigPath);

        Assert.Equal(2, run.ExitCode);
        var errors = run.ErrorLines.Where(l => !l.StartsWith("warning: ", StringComparison.Ordinal)).ToList();
        Assert.Contains("Mesh:Node:Port: must be between 1 and 65535, not 0", errors);
        Assert.Contains("Mesh:Targets:0:Url: must be an absolute http(s) URL", errors);
        Assert.Contains(errors, l => l.StartsWith("Mesh:Regions:2:Name: region 'nyc1' is listed twice", StringComparison.Ordinal));
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("{ \"Mesh\": { \"Node\": ", "not valid JSON (line 1")]
    [InlineData("{ \"Other\": {} }", "Mesh: required")]
    [InlineData("{ \"Mesh\": { \"Regions\": \"nyc1\" } }", "Mesh:Regions: must be a list")]
    [InlineData("{ \"Mesh\": { \"Probes\": { \"Interval\": \"1s\" } } }", "Mesh:Probes:Interval: must be a duration hh:mm:ss(.fff), not '1s'")]
    [InlineData("{ \"Mesh\": { \"Nodes\": {} , \"Failover\": { \"Mod\": \"manual\" } } }", "Mesh:Failover:Mod: unknown key")]
    [InlineData("{ \"Mesh\": { \"Probes\": { \"Interval\": null } } }", "Mesh:Probes:Interval: must be a duration hh:mm:ss(.fff), not null or empty")]
    [InlineData("{ \"Mesh\": { \"Probes\": { \"Rise\": [] } } }", "Mesh:Probes:Rise: must be a whole number, not null or empty")]
    [InlineData("{ \"Mesh\": { \"Api\": { \"ReadRequiresToken\": \"\" } } }", "Mesh:Api:ReadRequiresToken: must be true or false, not null or empty")]
    [InlineData("{ \"Mesh\": { \"Node\": { \"Port\": { \"Value\": 1 } } } }", "Mesh:Node:Port: must be a single value")]
    public async Task Malformed_files_are_refused_in_words(string json, string expected)
    {
        var path = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(path, json);

        var run = await CliRun.RunAsync("validate", "--config", path);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(run.ErrorLines, l => l.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);   // never a stack trace
    }

    [Theory]
    [InlineData(new string[0], "a command is required")]
    [InlineData(new[] { "launch" }, "unknown command 'launch'")]
    [InlineData(new[] { "validate" }, "--config: required")]
    [InlineData(new[] { "validate", "--config", "/no/such/file.json" }, "--config: file /no/such/file.json does not exist")]
    [InlineData(new[] { "validate", "--confg", "x.json" }, "unknown option --confg for validate")]
    [InlineData(new[] { "validate", "--config" }, "--config needs a value")]
    [InlineData(new[] { "status" }, "--url: required")]
    [InlineData(new[] { "status", "--url", "localhost:8080" }, "--url: required, the absolute http(s) URL")]
    [InlineData(new[] { "demo", "--duration", "soon" }, "--duration: must be a whole number of seconds")]
    public async Task Bad_command_lines_exit_2_with_the_reason(string[] args, string expected)
    {
        var run = await CliRun.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_overrides_the_file_and_the_command_line_overrides_both()
    {
        var node = TestConfigs.Mesh(_dir)[0];
        Environment.SetEnvironmentVariable("MESH_Mesh__Node__Port", "0");
        try
        {
            var fromEnv = await CliRun.RunAsync("validate", "--config", node.ConfigPath);
            var fromArgs = await CliRun.RunAsync("validate", "--config", node.ConfigPath, "--Mesh:Node:Port=4055");
            var argsAgain = await CliRun.RunAsync("validate", "--config", node.ConfigPath, "--Mesh:Failover:Mode", "sometimes", "--Mesh:Node:Port=4055");

            Assert.Equal(2, fromEnv.ExitCode);
            Assert.Contains("Mesh:Node:Port: must be between 1 and 65535, not 0", fromEnv.ErrorLines);
            Assert.Equal(0, fromArgs.ExitCode);
            Assert.Equal(2, argsAgain.ExitCode);
            Assert.Contains(argsAgain.ErrorLines, l => l.StartsWith("Mesh:Failover:Mode: 'sometimes' is not one of", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MESH_Mesh__Node__Port", null);
        }
    }

    [Fact]
    public async Task Run_refuses_an_invalid_configuration_with_the_same_lines_and_starts_nothing()
    {
        var node = TestConfigs.Mesh(_dir)[0];
        TestConfigs.Edit(node.ConfigPath, mesh => mesh["InitialActiveRegion"] = "sfo3");

        var validate = await CliRun.RunAsync("validate", "--config", node.ConfigPath);
        var run = await CliRun.RunAsync("run", "--config", node.ConfigPath);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(validate.Stderr, run.Stderr);
        Assert.Contains("Mesh:InitialActiveRegion: 'sfo3' is a witness region; the active region must be a site", run.ErrorLines);
        using var client = new TcpClient();
        await Assert.ThrowsAsync<SocketException>(() => client.ConnectAsync("127.0.0.1", node.HttpPort));
    }

    [Fact]
    public async Task Secrets_never_appear_in_what_validation_prints()
    {
        var node = TestConfigs.Mesh(_dir)[0];
        TestConfigs.Edit(node.ConfigPath, mesh =>
        {
            mesh["Targets"] = new JsonArray(
                new JsonObject { ["Id"] = "pg", ["Kind"] = "postgres", ["Region"] = "nyc1", ["Group"] = "db", ["ConnectionString"] = "Host=db;Password=hunter2-pg;Bogus Keyword=1" },
                new JsonObject { ["Id"] = "redis", ["Kind"] = "redis", ["Region"] = "nyc1", ["Group"] = "cache", ["Endpoint"] = "db", ["Password"] = "hunter2-redis" });
            mesh["DigitalOcean"]!["Token"] = "dop_v1_hunter2";
            mesh["Api"]!["Token"] = "file:/nonexistent/hunter2";
        });

        var run = await CliRun.RunAsync("validate", "--config", node.ConfigPath);

        Assert.Equal(2, run.ExitCode);
        foreach (var secret in new[] { "hunter2-pg", "hunter2-redis", "dop_v1_hunter2", TestConfigs.ApiToken })
            Assert.DoesNotContain(secret, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Contains(run.ErrorLines, l => l.StartsWith("Mesh:Targets:0:ConnectionString: is not a valid PostgreSQL connection string", StringComparison.Ordinal));
        Assert.Contains(run.ErrorLines, l => l.StartsWith("Mesh:Targets:1:Endpoint: must be host:port", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_refuses_a_data_directory_it_cannot_create()
    {
        var node = TestConfigs.Mesh(_dir)[0];
        var blocker = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(blocker, "");
        TestConfigs.Edit(node.ConfigPath, mesh => mesh["Node"]!["DataDir"] = Path.Combine(blocker, "data"));

        var run = await CliRun.RunAsync("run", "--config", node.ConfigPath);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(run.ErrorLines, l => l.StartsWith($"Mesh:Node:DataDir: cannot create {blocker}/data", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_with_a_wrong_certificate_password_stops_in_one_line_naming_the_fields_and_not_the_password()
    {
        const string right = "right-pfx-password-7c1e", wrong = "wrong-pfx-password-93ad";
        using (var key = System.Security.Cryptography.ECDsa.Create())
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=nyc1-a", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1));
            await File.WriteAllBytesAsync(Path.Combine(_dir, "node.pfx"), certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, right));
        }
        await File.WriteAllTextAsync(Path.Combine(_dir, "node.pfx.pass"), wrong);
        var node = TestConfigs.SingleNode(_dir, mesh =>
        {
            var seeds = mesh["Node"]!["SeedNodes"]!.AsArray().Select(n => n!.GetValue<string>().Replace("akka.tcp://", "akka.ssl.tcp://", StringComparison.Ordinal));
            mesh["Node"]!["SeedNodes"] = new JsonArray(seeds.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
            mesh["Remote"] = new JsonObject
            {
                ["Tls"] = new JsonObject { ["Enabled"] = true, ["CertificatePath"] = Path.Combine(_dir, "node.pfx"), ["CertificatePassword"] = "file:" + Path.Combine(_dir, "node.pfx.pass") },
            };
        });

        var run = await CliRun.RunAsync("run", "--config", node.ConfigPath);

        Assert.Equal(1, run.ExitCode);
        var error = Assert.Single(run.ErrorLines, l => !l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.StartsWith("health-mesh: node nyc1-a could not start: Remote:Tls:CertificatePath, Remote:Tls:CertificatePassword: cannot open", error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(right, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }
}
