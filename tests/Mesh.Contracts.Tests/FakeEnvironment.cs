using Mesh.Contracts.Configuration;

namespace Mesh.Contracts.Tests;

internal sealed class FakeEnvironment : IConfigEnvironment
{
    public Dictionary<string, string> Variables { get; } = new()
    {
        ["PG_PASSWORD"] = "pg-secret-pw",
        ["REDIS_PASSWORD"] = "redis-secret-pw",
        ["DO_TOKEN"] = "dop_v1_secret_token",
        ["API_TOKEN"] = "api-secret-token",
    };
    public Dictionary<string, string> Files { get; } = new() { ["/etc/hm/cert.pass"] = "cert-secret\n", ["/etc/hm/node.pfx"] = "pfx", ["/etc/hm/ca.crt"] = "ca" };

    public string? GetEnvironmentVariable(string name) => Variables.GetValueOrDefault(name);
    public string ReadFile(string path) => Files.TryGetValue(path, out var text) ? text : throw new FileNotFoundException("not found");
    public bool FileExists(string path) => Files.ContainsKey(path);
}
