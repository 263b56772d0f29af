namespace Mesh.Integration.Tests.Failover;

/// <summary>The audit's search itself (the audit of a real mesh runs in ProcessFailoverTests).</summary>
public sealed class SecretsAuditTests
{
    [Fact]
    public void A_secret_is_found_verbatim_in_any_case_and_URL_encoded_and_named_with_where_it_was()
    {
        var secrets = new[] { ("Redis password", "redis-0a1b2c"), ("API token", "tok/en+1") };
        var exhibits = new Exhibit[]
        {
            new("node log", "connecting with password REDIS-0A1B2C failed"),
            new("GET /api/v1/targets", "{\"url\":\"http://x/?t=tok%2Fen%2B1\"}"),
            new("status", "all fine, redis-0a1b and tok/en are only prefixes"),
        };

        Assert.Equal(["node log: Redis password", "GET /api/v1/targets: API token (URL-encoded)"], SecretsAudit.Leaks(exhibits, secrets));
    }
}
