using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Node.Tests;

/// <summary>
/// Random input, seeded so that a failure replays: request bodies thrown at every endpoint that takes one, and
/// configuration files (mutations of a valid one, and plain junk) thrown at <c>validate</c>. The only answers
/// allowed are clean ones: problem documents with a reason from the API, exit 0 or 2 with lines naming a field from
/// the validator; never a 500, an exception's text or a crash. (ConfigurationFuzzTests damages the configuration key
/// by key behind the loader; this goes through the file and the command line, where JSON structure and raw bytes can break.)
/// </summary>
public sealed class FuzzTests(SingleNodeFixture node) : IClassFixture<SingleNodeFixture>
{
    private const int Seed = 20261126;
    private static readonly string[] Posts = ["api/v1/failover/pause", "api/v1/failover/failover", "api/v1/failover/switchover", "api/v1/failover/adopt"];
    private static readonly string[] Keys = ["to", "reason", "force", "acceptDataLoss", "acceptSplitBrainRisk", "activeRegion", "epoch", "x", ""];

    [Fact]
    public async Task Random_bodies_get_clean_answers_and_the_node_stays_ready()
    {
        var random = new Random(Seed);
        var seen = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 300; i++)
        {
            var path = Posts[random.Next(Posts.Length)];
            var (content, described) = RandomBody(random);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUri, path)) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConfigs.ApiToken);
            using var response = await node.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            seen[response.StatusCode] = seen.GetValueOrDefault(response.StatusCode) + 1;

            var why = $"#{i} POST {path} with {described}: {(int)response.StatusCode} {text}";
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted or HttpStatusCode.BadRequest or HttpStatusCode.Conflict
                or HttpStatusCode.ServiceUnavailable, why);
            if ((int)response.StatusCode >= 400)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", why);
                var detail = JsonNode.Parse(text)!["detail"]?.GetValue<string>();
                Assert.False(string.IsNullOrWhiteSpace(detail), why);
                Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            }
        }

        // The junk was refused as such, not waved through: most bodies here are not what any endpoint takes.
        Assert.True(seen.GetValueOrDefault(HttpStatusCode.BadRequest) > 150, string.Join(", ", seen.Select(kv => $"{kv.Key}: {kv.Value}")));
        using var ready = await node.Http.GetAsync(new Uri(node.BaseUri, "readyz"));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_whole_or_streamed()
    {
        var big = "{\"reason\":\"" + new string('x', 64 * 1024) + "\"}";
        foreach (var chunked in new[] { false, true })
        {
            var content = chunked ? (HttpContent)new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) : new StringContent(big, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUri, "api/v1/failover/pause")) { Content = content };
            request.Headers.TransferEncodingChunked = chunked;
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConfigs.ApiToken);

            using var response = await node.Http.SendAsync(request);

            Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
            Assert.Contains("larger than 16384 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("{\"reason\": ", "not the JSON this endpoint takes")]
    [InlineData("{\"reason\": 5}", "not the JSON this endpoint takes")]
    [InlineData("[]", "not the JSON this endpoint takes")]
    public async Task A_malformed_pause_is_refused_not_taken_for_a_pause_without_a_reason(string body, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUri, "api/v1/failover/pause")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestConfigs.ApiToken);

        using var response = await node.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_configuration_files_get_exit_0_or_2_and_lines_that_name_a_field()
    {
        var random = new Random(Seed);
        var dir = TestConfigs.NewDirectory();
        var valid = TestConfigs.Mesh(dir)[0];
        var original = JsonNode.Parse(await File.ReadAllTextAsync(valid.ConfigPath))!;
        var path = Path.Combine(dir, "fuzzed.json");
        var codes = new Dictionary<int, int>();
        for (var i = 0; i < 400; i++)
        {
            var text = random.Next(10) switch
            {
                0 => RandomJson(random, 4)?.ToJsonString() ?? "null",
                1 => Truncate(original.ToJsonString(), random),
                2 => Encoding.UTF8.GetString(RandomBytes(random, random.Next(1, 200))),
                _ => Mutate(original.DeepClone(), random, 1 + random.Next(4)).ToJsonString(),
            };
            await File.WriteAllTextAsync(path, text);

            var run = await CliRun.RunAsync("validate", "--config", path);
            codes[run.ExitCode] = codes.GetValueOrDefault(run.ExitCode) + 1;

            var why = $"#{i}: exit {run.ExitCode}\n{run.Stderr}\nfor {text[..Math.Min(text.Length, 400)]}";
            Assert.True(run.ExitCode is 0 or 2, why);
            Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
            if (run.ExitCode == 2)
            {
                // Each problem on its own line, led by what it is about: a field's path (Mesh:...) or the option (--config: ...).
                var problems = run.ErrorLines.Where(l => !l.StartsWith("warning: ", StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(problems);
                Assert.All(problems, l => Assert.True(l.StartsWith("Mesh", StringComparison.Ordinal) || l.StartsWith("--config: ", StringComparison.Ordinal), why));
            }
        }
        Assert.True(codes.GetValueOrDefault(2) > 200, string.Join(", ", codes.Select(kv => $"exit {kv.Key}: {kv.Value}")));
    }

    private static (HttpContent Content, string Described) RandomBody(Random random)
    {
        var type = random.Next(6) switch { 0 => "text/plain", 1 => null, _ => "application/json" };
        var text = random.Next(8) switch
        {
            0 => "",
            1 => Encoding.Latin1.GetString(RandomBytes(random, random.Next(1, 100))),
            2 => Truncate(RandomObject(random).ToJsonString(), random),
            3 => RandomJson(random, 3)?.ToJsonString() ?? "null",
            4 => new string('[', random.Next(20, 2000)),
            _ => RandomObject(random).ToJsonString(),
        };
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        if (type is not null) content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return (content, $"{type ?? "no type"} {text[..Math.Min(text.Length, 120)]}");
    }

    /// <summary>An object with the API's own keys (and some others) holding values of any type.</summary>
    private static JsonObject RandomObject(Random random)
    {
        var o = new JsonObject();
        for (var i = random.Next(4); i >= 0; i--) o[Keys[random.Next(Keys.Length)]] = RandomJson(random, 2);
        return o;
    }

    private static JsonNode? RandomJson(Random random, int depth) => random.Next(depth <= 0 ? 6 : 8) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(3) == 0),
        2 => JsonValue.Create(random.Next(4) == 0 ? long.MinValue : random.NextInt64(-1_000_000, 1_000_000)),
        3 => JsonValue.Create(random.NextDouble() * 1e300),
        4 => JsonValue.Create(RandomString(random)),
        5 => JsonValue.Create(random.Next(2) == 0 ? "ams3" : "nyc1"),
        6 => new JsonArray(Enumerable.Range(0, random.Next(4)).Select(_ => RandomJson(random, depth - 1)).ToArray()),
        _ => new JsonObject(Enumerable.Range(0, random.Next(4)).Select(i => KeyValuePair.Create($"{RandomString(random)}{i}", RandomJson(random, depth - 1)))),
    };

    /// <summary>A valid configuration with a few of its values replaced, removed or given the wrong type.</summary>
    private static JsonNode Mutate(JsonNode root, Random random, int changes)
    {
        for (var c = 0; c < changes; c++)
        {
            var containers = Walk(root).Where(n => n is JsonObject { Count: > 0 } or JsonArray { Count: > 0 }).ToList();
            if (containers.Count == 0) break;
            var parent = containers[random.Next(containers.Count)];
            var replacement = RandomJson(random, 2);
            if (parent is JsonObject o)
            {
                var key = o.ElementAt(random.Next(o.Count)).Key;
                if (random.Next(4) == 0) o.Remove(key);
                else o[key] = replacement;
            }
            else if (parent is JsonArray a)
            {
                var index = random.Next(a.Count);
                if (random.Next(4) == 0) a.RemoveAt(index);
                else a[index] = replacement;
            }
        }
        return root;
    }

    private static IEnumerable<JsonNode> Walk(JsonNode? node)
    {
        if (node is null) yield break;
        yield return node;
        var children = node switch { JsonObject o => o.Select(kv => kv.Value), JsonArray a => a.AsEnumerable(), _ => [] };
        foreach (var child in children)
        foreach (var descendant in Walk(child))
            yield return descendant;
    }

    private static string Truncate(string text, Random random) => text[..random.Next(text.Length)];

    private static string RandomString(Random random)
    {
        const string alphabet = "abcXYZ019 :/.-_\"\\{}[]\u00e9\u4e2d\u0000\t\nenv:file:";
        return new string(Enumerable.Range(0, random.Next(12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
