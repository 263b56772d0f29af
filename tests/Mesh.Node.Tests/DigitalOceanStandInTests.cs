using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mesh.Node.StandIns.DigitalOcean;

namespace Mesh.Node.Tests;

/// <summary>The stand-in's own behaviour, over HTTP as a client sees it. Its spec conformance is checked through Prism separately.</summary>
public sealed class DigitalOceanStandInTests : IAsyncLifetime
{
    private const string ReadToken = "dop_v1_read";
    private const string WriteToken = "dop_v1_write";
    private const string Domain = "example.com";

    /// <summary>A clock the test moves: action durations pass without waiting and without racing a slow first request.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    private readonly ManualClock _clock = new();
    private DigitalOceanStandIn _standIn = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _standIn = await DigitalOceanStandIn.StartAsync(new StandInOptions(ReadToken, WriteToken), _clock);
        _http = new HttpClient { BaseAddress = _standIn.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        _standIn.AddDomain(Domain);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _standIn.DisposeAsync();
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Body, HttpResponseHeaders Headers)
    {
        public string? Header(string name) => Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
    }

    private async Task<Answer> SendAsync(HttpMethod method, string pathOrUrl, object? body = null, string? token = ReadToken)
    {
        using var request = new HttpRequestMessage(method, pathOrUrl);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Answer(response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Headers);
    }

    private Task<Answer> GetAsync(string pathOrUrl, string? token = ReadToken) => SendAsync(HttpMethod.Get, pathOrUrl, token: token);

    private static void AssertError(Answer answer, HttpStatusCode status, string id)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal(id, answer.Body.GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("message").GetString()));
        Assert.Equal(answer.Header("x-request-id"), answer.Body.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Records_page_by_absolute_next_links_until_there_is_none()
    {
        var seeded = Enumerable.Range(1, 45).Select(i => _standIn.AddRecord(Domain, "A", $"h{i}", $"198.51.100.{i}", 1800).Id).ToList();

        var seen = new List<long>();
        var pages = new List<JsonElement>();
        string? next = "v2/domains/example.com/records?per_page=20&type=A";
        while (next is not null)
        {
            var answer = await GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, answer.Status);
            Assert.Equal(45, answer.Body.GetProperty("meta").GetProperty("total").GetInt32());
            seen.AddRange(answer.Body.GetProperty("domain_records").EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
            pages.Add(answer.Body.GetProperty("links"));
            next = answer.Body.GetProperty("links").TryGetProperty("pages", out var p) && p.TryGetProperty("next", out var n) ? n.GetString() : null;
            if (next is not null)
            {
                var url = new Uri(next);
                Assert.True(url.IsAbsoluteUri);
                Assert.Equal(_standIn.BaseAddress.Authority, url.Authority);
                Assert.Contains("per_page=20", url.Query);
                Assert.Contains("type=A", url.Query); // filters survive into the next page
            }
        }

        Assert.Equal(seeded, seen);
        Assert.Equal(3, pages.Count);
        var first = pages[0].GetProperty("pages");
        Assert.False(first.TryGetProperty("prev", out _));
        Assert.Contains("page=3", first.GetProperty("last").GetString());
        var last = pages[2].GetProperty("pages");
        Assert.False(last.TryGetProperty("next", out _));
        Assert.Contains("page=2", last.GetProperty("prev").GetString());

        var single = await GetAsync("v2/domains/example.com/records?per_page=200");
        Assert.Equal(JsonValueKind.Object, single.Body.GetProperty("links").ValueKind);
        Assert.False(single.Body.GetProperty("links").TryGetProperty("pages", out _));
    }

    [Fact]
    public async Task The_name_filter_is_fully_qualified_while_record_names_are_relative()
    {
        _standIn.AddRecord(Domain, "A", "www", "198.51.100.10", 30);
        _standIn.AddRecord(Domain, "TXT", "www", "hello", 30);
        _standIn.AddRecord(Domain, "A", "@", "198.51.100.11", 30);
        _standIn.AddRecord(Domain, "A", "api", "198.51.100.12", 30);

        async Task<List<string>> NamesAsync(string query) =>
            [.. (await GetAsync($"v2/domains/example.com/records?{query}")).Body.GetProperty("domain_records").EnumerateArray()
                .Select(r => $"{r.GetProperty("name").GetString()} {r.GetProperty("type").GetString()}")];

        Assert.Equal(["www A", "www TXT"], await NamesAsync("name=www.example.com"));
        Assert.Equal(["www A"], await NamesAsync("name=www.example.com&type=A"));
        Assert.Equal(["@ A"], await NamesAsync("name=example.com"));
        Assert.Empty(await NamesAsync("name=www"));
        Assert.Equal(4, (await NamesAsync("")).Count);
        AssertError(await GetAsync("v2/domains/unknown.example/records"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_record_is_created_then_updated_in_place_keeping_its_id()
    {
        var created = await SendAsync(HttpMethod.Post, "v2/domains/example.com/records",
            new { type = "A", name = "www", data = "198.51.100.10", extra_member = true }, WriteToken);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var record = created.Body.GetProperty("domain_record");
        var id = record.GetProperty("id").GetInt64();
        Assert.Equal(1800, record.GetProperty("ttl").GetInt32()); // the API's default

        var updated = await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{id}", new { type = "A", data = "198.51.100.20", ttl = 30 }, WriteToken);
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal(id, updated.Body.GetProperty("domain_record").GetProperty("id").GetInt64());
        Assert.Equal("www", updated.Body.GetProperty("domain_record").GetProperty("name").GetString()); // absent from the body: kept

        var partial = await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{id}", new { ttl = 60 }, WriteToken);
        Assert.Equal("198.51.100.20", partial.Body.GetProperty("domain_record").GetProperty("data").GetString());

        Assert.Equal([new StandInRecord(id, "A", "www", "198.51.100.20", 60)], _standIn.Records(Domain));
        var read = await GetAsync($"v2/domains/example.com/records/{id}");
        Assert.Equal(60, read.Body.GetProperty("domain_record").GetProperty("ttl").GetInt32());
        Assert.Equal(["PUT www A 198.51.100.20 ttl 30", "PUT www A 198.51.100.20 ttl 60"], _standIn.Mutations.Skip(1).Select(m => m.Summary));
    }

    [Fact]
    public async Task Writes_the_API_refuses_answer_422_or_404_and_change_nothing()
    {
        var record = _standIn.AddRecord(Domain, "A", "www", "198.51.100.10", 1800);

        AssertError(await SendAsync(HttpMethod.Post, "v2/domains/example.com/records", new { type = "A", name = "www", data = "198.51.100.1", ttl = 10 }, WriteToken),
            HttpStatusCode.UnprocessableEntity, "unprocessable_entity");
        AssertError(await SendAsync(HttpMethod.Post, "v2/domains/example.com/records", new { type = "A", name = "www" }, WriteToken),
            HttpStatusCode.UnprocessableEntity, "unprocessable_entity");
        AssertError(await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{record.Id}", new { type = "A", ttl = 29 }, WriteToken),
            HttpStatusCode.UnprocessableEntity, "unprocessable_entity");
        AssertError(await SendAsync(HttpMethod.Put, "v2/domains/example.com/records/999", new { type = "A", data = "198.51.100.2" }, WriteToken),
            HttpStatusCode.NotFound, "not_found");
        AssertError(await GetAsync("v2/domains/example.com/records/999"), HttpStatusCode.NotFound, "not_found");

        Assert.Equal([record], _standIn.Records(Domain));
        Assert.Empty(_standIn.Mutations);
    }

    [Fact]
    public async Task FailNext_429_answers_with_retry_after_and_no_budget_then_the_next_request_succeeds()
    {
        _standIn.FailNext(1, 429, TimeSpan.FromSeconds(2.5));

        var limited = await GetAsync("v2/account");
        AssertError(limited, HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal("0", limited.Header("ratelimit-remaining"));
        Assert.Equal("3", limited.Header("retry-after"));

        var ok = await GetAsync("v2/account");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("5000", ok.Header("ratelimit-limit"));
        Assert.True(int.Parse(ok.Header("ratelimit-remaining")!) is > 0 and < 5000);
        Assert.True(long.Parse(ok.Header("ratelimit-reset")!) > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("active", ok.Body.GetProperty("account").GetProperty("status").GetString());
        Assert.Equal(2, _standIn.Requests);
    }

    [Fact]
    public async Task FailNext_5xx_fails_writes_without_storing_them()
    {
        var record = _standIn.AddRecord(Domain, "A", "www", "198.51.100.10", 1800);
        _standIn.FailNext(2, 503);

        for (var i = 0; i < 2; i++)
            AssertError(await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{record.Id}", new { type = "A", data = "198.51.100.20" }, WriteToken),
                HttpStatusCode.ServiceUnavailable, "service_unavailable");

        Assert.Equal([record], _standIn.Records(Domain));
        Assert.Empty(_standIn.Mutations);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("v2/account")).Status);
    }

    [Fact]
    public async Task FailFor_answers_every_request_with_the_statuses_in_turn_until_the_outage_ends()
    {
        var record = _standIn.AddRecord(Domain, "A", "www", "198.51.100.10", 1800);
        _standIn.FailFor(TimeSpan.FromSeconds(20), [429, 500], TimeSpan.FromSeconds(1));

        AssertError(await GetAsync("v2/account"), HttpStatusCode.TooManyRequests, "too_many_requests");
        AssertError(await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{record.Id}", new { type = "A", data = "198.51.100.20" }, WriteToken),
            HttpStatusCode.InternalServerError, "server_error");
        _clock.Advance(TimeSpan.FromSeconds(19));
        var limited = await GetAsync("v2/account");
        AssertError(limited, HttpStatusCode.TooManyRequests, "too_many_requests");
        Assert.Equal("1", limited.Header("retry-after"));
        Assert.Equal([record], _standIn.Records(Domain));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("v2/account")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{record.Id}", new { type = "A", data = "198.51.100.20" }, WriteToken)).Status);
    }

    [Fact]
    public async Task A_dropped_write_answers_as_usual_but_is_not_stored_and_is_logged_as_dropped()
    {
        var record = _standIn.AddRecord(Domain, "A", "www", "198.51.100.10", 1800);
        _standIn.DropNextWrites(1);

        var dropped = await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{record.Id}", new { type = "A", data = "198.51.100.20", ttl = 30 }, WriteToken);
        Assert.Equal(HttpStatusCode.OK, dropped.Status);
        Assert.Equal("198.51.100.20", dropped.Body.GetProperty("domain_record").GetProperty("data").GetString());
        Assert.Equal([record], _standIn.Records(Domain));

        var stored = await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{record.Id}", new { type = "A", data = "198.51.100.30", ttl = 30 }, WriteToken);
        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.Equal("198.51.100.30", Assert.Single(_standIn.Records(Domain)).Data);

        Assert.Collection(_standIn.Mutations,
            m => Assert.Equal(("PUT", $"/v2/domains/example.com/records/{record.Id}", "PUT www A 198.51.100.20 ttl 30", "actions-token", true),
                (m.Method, m.Path, m.Summary, m.TokenUsed, m.Dropped)),
            m => Assert.Equal(("PUT www A 198.51.100.30 ttl 30", false), (m.Summary, m.Dropped)));
    }

    [Fact]
    public async Task Without_a_known_bearer_token_every_call_is_401()
    {
        AssertError(await GetAsync("v2/account", token: null), HttpStatusCode.Unauthorized, "unauthorized");
        var wrong = await GetAsync("v2/account", token: "dop_v1_wrong");
        AssertError(wrong, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Unable to authenticate you.", wrong.Body.GetProperty("message").GetString());
        Assert.NotNull(wrong.Header("ratelimit-remaining"));
        Assert.Equal(2, _standIn.Requests);
    }

    [Fact]
    public async Task A_write_with_the_read_token_is_403_when_an_actions_token_is_configured()
    {
        var record = _standIn.AddRecord(Domain, "A", "www", "198.51.100.10", 1800);

        var refused = await SendAsync(HttpMethod.Put, $"v2/domains/example.com/records/{record.Id}", new { type = "A", data = "198.51.100.20" }, ReadToken);
        AssertError(refused, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("You are not authorized to perform this operation.", refused.Body.GetProperty("message").GetString());
        Assert.Equal([record], _standIn.Records(Domain));
        Assert.Empty(_standIn.Mutations);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync("v2/account", WriteToken)).Status); // the actions token reads too
    }

    [Fact]
    public async Task With_a_single_token_it_both_reads_and_writes()
    {
        await using var single = await DigitalOceanStandIn.StartAsync(new StandInOptions("dop_v1_only"));
        single.AddDomain(Domain);
        var record = single.AddRecord(Domain, "A", "www", "198.51.100.10", 1800);
        using var http = new HttpClient { BaseAddress = single.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "dop_v1_only");

        using var response = await http.PutAsync($"v2/domains/example.com/records/{record.Id}",
            new StringContent("""{"type":"A","data":"198.51.100.20"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("token", Assert.Single(single.Mutations).TokenUsed);
    }

    [Fact]
    public async Task A_shutdown_stays_in_progress_for_the_action_duration_then_completes_and_the_droplet_is_off()
    {
        var id = _standIn.AddDroplet("db-nyc1-a", "nyc1", ["env:prod", "role:db"]);
        _standIn.ActionDuration = TimeSpan.FromSeconds(20);

        var started = await SendAsync(HttpMethod.Post, $"v2/droplets/{id}/actions", new { type = "shutdown" }, WriteToken);
        Assert.Equal(HttpStatusCode.Created, started.Status);
        var action = started.Body.GetProperty("action");
        Assert.Equal("in-progress", action.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, action.GetProperty("completed_at").ValueKind);
        Assert.Equal(id, action.GetProperty("resource_id").GetInt64());
        Assert.Equal("droplet", action.GetProperty("resource_type").GetString());
        Assert.Equal("nyc1", action.GetProperty("region_slug").GetString());
        Assert.True((await GetAsync($"v2/droplets/{id}")).Body.GetProperty("droplet").GetProperty("locked").GetBoolean());
        AssertError(await SendAsync(HttpMethod.Post, $"v2/droplets/{id}/actions", new { type = "power_off" }, WriteToken),
            HttpStatusCode.UnprocessableEntity, "unprocessable_entity"); // one pending action per droplet

        var actionId = action.GetProperty("id").GetInt64();
        _clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal("in-progress", (await GetAsync($"v2/actions/{actionId}")).Body.GetProperty("action").GetProperty("status").GetString());
        Assert.Equal("active", _standIn.DropletStatus(id));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var completed = (await GetAsync($"v2/actions/{actionId}")).Body.GetProperty("action");
        Assert.Equal("completed", completed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, completed.GetProperty("completed_at").ValueKind);

        Assert.Equal("off", _standIn.DropletStatus(id));
        var droplet = (await GetAsync($"v2/droplets/{id}")).Body.GetProperty("droplet");
        Assert.Equal("off", droplet.GetProperty("status").GetString());
        Assert.False(droplet.GetProperty("locked").GetBoolean());
        Assert.Equal($"POST shutdown droplet {id}", Assert.Single(_standIn.Mutations).Summary);
    }

    [Fact]
    public async Task Without_an_action_duration_the_action_is_completed_in_its_201()
    {
        var id = _standIn.AddDroplet("db-nyc1-a", "nyc1", ["env:prod"], status: "off");

        var started = await SendAsync(HttpMethod.Post, $"v2/droplets/{id}/actions", new { type = "power_on" }, WriteToken);

        Assert.Equal("completed", started.Body.GetProperty("action").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, started.Body.GetProperty("action").GetProperty("completed_at").ValueKind);
        Assert.Equal("active", _standIn.DropletStatus(id));
        AssertError(await SendAsync(HttpMethod.Post, "v2/droplets/999/actions", new { type = "power_on" }, WriteToken), HttpStatusCode.NotFound, "not_found");
        AssertError(await GetAsync("v2/actions/999"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Droplets_are_listed_by_tag_in_pages_and_read_by_id()
    {
        var prod = Enumerable.Range(1, 3).Select(i => _standIn.AddDroplet($"web-{i}", "nyc1", ["env:prod"])).ToList();
        _standIn.AddDroplet("web-staging", "nyc1", ["env:staging"]);

        var first = await GetAsync("v2/droplets?tag_name=env:prod&per_page=2");
        Assert.Equal(3, first.Body.GetProperty("meta").GetProperty("total").GetInt32());
        var next = first.Body.GetProperty("links").GetProperty("pages").GetProperty("next").GetString()!;
        Assert.Contains("tag_name=env%3Aprod", next);
        var second = await GetAsync(next);
        var ids = first.Body.GetProperty("droplets").EnumerateArray().Concat(second.Body.GetProperty("droplets").EnumerateArray())
            .Select(d => d.GetProperty("id").GetInt64());
        Assert.Equal(prod, ids);

        var droplet = (await GetAsync($"v2/droplets/{prod[0]}")).Body.GetProperty("droplet");
        Assert.Equal("web-1", droplet.GetProperty("name").GetString());
        Assert.Equal("nyc1", droplet.GetProperty("region").GetProperty("slug").GetString());
        Assert.Equal(["env:prod"], droplet.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        AssertError(await GetAsync("v2/droplets/999"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_load_balancer_shows_its_current_status()
    {
        const string id = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
        _standIn.AddLoadBalancer(id, "lb-nyc1", "192.0.2.10", "nyc1", dropletIds: [3164444]);
        _standIn.SetLoadBalancerStatus(id, "errored");

        var lb = (await GetAsync($"v2/load_balancers/{id}")).Body.GetProperty("load_balancer");

        Assert.Equal("errored", lb.GetProperty("status").GetString());
        Assert.Equal("192.0.2.10", lb.GetProperty("ip").GetString());
        Assert.Equal("nyc1", lb.GetProperty("region").GetProperty("slug").GetString());
        Assert.Equal([3164444L], lb.GetProperty("droplet_ids").EnumerateArray().Select(d => d.GetInt64()));
        Assert.NotEmpty(lb.GetProperty("forwarding_rules").EnumerateArray());
        AssertError(await GetAsync("v2/load_balancers/00000000-0000-0000-0000-000000000000"), HttpStatusCode.NotFound, "not_found");
        Assert.Throws<ArgumentException>(() => _standIn.AddLoadBalancer("lb-1", "lb", "192.0.2.10", "nyc1"));
    }

    [Fact]
    public async Task Unknown_paths_and_methods_answer_in_the_API_error_shape()
    {
        AssertError(await GetAsync("v2/regions"), HttpStatusCode.NotFound, "not_found");
        AssertError(await GetAsync("v2/droplets/not-a-number"), HttpStatusCode.NotFound, "not_found");
        AssertError(await SendAsync(HttpMethod.Post, "v2/account", new { }, WriteToken), HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        AssertError(await SendAsync(HttpMethod.Put, "v2/domains/example.com/records/1", new { ttl = "thirty" }, WriteToken),
            HttpStatusCode.UnprocessableEntity, "unprocessable_entity");
    }

    [Fact]
    public void Options_never_print_the_tokens()
    {
        var text = new StandInOptions(ReadToken, WriteToken, 0).ToString();
        Assert.DoesNotContain(ReadToken, text);
        Assert.DoesNotContain(WriteToken, text);
    }
}
