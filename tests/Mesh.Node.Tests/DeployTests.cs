using System.Text.RegularExpressions;
using Mesh.Tests.Shared;

namespace Mesh.Node.Tests;

/// <summary>
/// deploy/: the Ansible playbook parses and passes ansible-lint's production profile, the systemd unit has no key
/// systemd does not know, and the Terraform names no variable it does not declare (terraform itself cannot be
/// installed here).
/// </summary>
public sealed partial class DeployTests
{
    private static readonly string Ansible = RepositoryRoot.Combine("deploy", "ansible");

    [Fact]
    public async Task The_playbook_passes_the_syntax_check()
    {
        var (code, output) = await Tool.RunAsync(Ansible, "ansible-playbook", "-i", "inventory.example.ini", "site.yml", "--syntax-check");

        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task The_role_passes_ansible_lint_production_profile()
    {
        var (code, output) = await Tool.RunAsync(Ansible, "ansible-lint", "--offline", "--nocolor", "--profile", "production", "site.yml", "roles/");

        Assert.True(code == 0, output);
        Assert.Contains("Passed with production profile: 0 failure(s), 0 warning(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_systemd_unit_has_no_key_systemd_does_not_know_and_keeps_its_promises()
    {
        var unit = await File.ReadAllTextAsync(RepositoryRoot.Combine("deploy", "systemd", "health-mesh.service"));
        // systemd-analyze also checks that the programs exist: the binary is not installed here, true stands in.
        var dir = Directory.CreateTempSubdirectory("mesh-unit-").FullName;
        try
        {
            var path = Path.Combine(dir, "health-mesh.service");
            await File.WriteAllTextAsync(path, unit.Replace("/opt/health-mesh/health-mesh", "/usr/bin/true", StringComparison.Ordinal));

            var (code, output) = await Tool.RunAsync(dir, "systemd-analyze", "verify", "--man=no", path);

            Assert.True(code == 0 && output.Trim().Length == 0, output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        foreach (var promise in new[] { "Type=notify", "Restart=always", "RestartPreventExitStatus=2", "KillSignal=SIGTERM", "NoNewPrivileges=true", "ProtectSystem=strict" })
            Assert.Contains(promise + "\n", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void The_terraform_declares_every_variable_it_uses_and_keeps_the_record_ttl_and_the_mesh_owned_value()
    {
        var files = Directory.GetFiles(RepositoryRoot.Combine("deploy", "terraform"), "*.tf").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
        var all = string.Concat(files.Values);
        var declared = Declared().Matches(all).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var undeclared = Used().Matches(all).Select(m => m.Groups[1].Value).Distinct().Where(v => !declared.Contains(v)).ToList();

        Assert.Empty(undeclared);
        Assert.Matches(@"resource ""digitalocean_record"" ""shop""[^}]*ttl\s*=\s*30", files["main.tf"]);
        Assert.Matches(@"ignore_changes\s*=\s*\[value\]", files["main.tf"]);
        Assert.Matches(@"port_range\s*=\s*tostring\(var\.akka_port\)\s*\n\s*source_tags\s*=\s*\[digitalocean_tag\.mesh\.id\]", files["main.tf"]);
        Assert.Matches(@"port_range\s*=\s*tostring\(var\.http_port\)\s*\n\s*source_addresses\s*=\s*var\.api_cidrs", files["main.tf"]);
    }

    [GeneratedRegex(@"variable ""([a-z_]+)""")]
    private static partial Regex Declared();

    [GeneratedRegex(@"var\.([a-z_]+)")]
    private static partial Regex Used();
}
