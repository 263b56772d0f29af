using Mesh.Contracts.Configuration;
using Mesh.Node.Api;
using Microsoft.AspNetCore.Http;

namespace Mesh.Node.Tests;

public sealed class ApiAccessTests
{
    private sealed class Env : IConfigEnvironment
    {
        public string? GetEnvironmentVariable(string name) => name == "TOKEN" ? "s3cret" : null;
        public string ReadFile(string path) => throw new FileNotFoundException();
        public bool FileExists(string path) => false;
    }

    private static int? StatusOf(ApiOptions options, string? authorization, bool mutating)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        var result = new ApiAccess(options, new Env()).Check(context.Request, mutating);
        return (result as IStatusCodeHttpResult)?.StatusCode ?? (result is null ? null : -1);
    }

    [Theory]
    [InlineData(false, false, null, null)]             // open reads
    [InlineData(true, false, null, 401)]               // reads behind the token
    [InlineData(true, false, "Bearer wrong", 403)]
    [InlineData(true, false, "Bearer s3cret", null)]
    [InlineData(false, true, null, 401)]               // mutations always need it
    [InlineData(false, true, "Basic czNjcmV0", 401)]
    [InlineData(false, true, "Bearer s3cre", 403)]
    [InlineData(false, true, "Bearer s3cret", null)]
    public void The_bearer_token_guards_reads_only_when_asked_and_mutations_always(bool readRequiresToken, bool mutating, string? header, int? expected)
    {
        var options = new ApiOptions { Token = "env:TOKEN", ReadRequiresToken = readRequiresToken };
        Assert.Equal(expected, StatusOf(options, header, mutating));
    }

    [Fact]
    public void Without_a_configured_token_no_token_is_accepted()
    {
        Assert.Equal(403, StatusOf(new ApiOptions(), "Bearer anything", mutating: true));
    }
}
