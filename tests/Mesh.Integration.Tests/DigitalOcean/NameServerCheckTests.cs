using System.Net;
using DnsClient;
using Mesh.Actors.Actions;
using Mesh.Contracts.Configuration;
using Mesh.Integration.Tests.Servers;
using Mesh.Tests.Shared;

namespace Mesh.Integration.Tests.DigitalOcean;

/// <summary>SPEC 6 rule 8: the history says when the authoritative name servers answered the new value, where they can be reached.</summary>
public sealed class NameServerCheckTests : IDisposable
{
    private const string Domain = "shop.test";
    private readonly LoopbackDnsServer _dns = new(Domain, "192.0.2.10");

    public void Dispose() => _dns.Dispose();

    private NameServerCheck Check(int resolverPort, TimeSpan within) =>
        new(new LookupClient(new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, resolverPort)) { UseCache = false, Timeout = TimeSpan.FromMilliseconds(500), Retries = 0 }),
            _dns.Port, within, TimeSpan.FromMilliseconds(50));

    [Fact]
    public async Task The_note_says_when_the_authoritative_server_began_to_answer_the_new_value()
    {
        var check = Check(_dns.Port, TimeSpan.FromSeconds(30));

        // The server answers the old value until it has been asked three times, as while a change propagates.
        var asking = check.WhenAnsweredAsync(Domain, new DnsRecordOptions { Name = "www" }, "198.51.100.20", CancellationToken.None);
        await Eventually.UntilAsync(() => Task.FromResult(_dns.Asked >= 3), TimeSpan.FromSeconds(10), "the server was asked three times");
        _dns.Value = "198.51.100.20";
        var note = await asking;

        Assert.Matches(@"^ns1\.shop\.test answered 198\.51\.100\.20 for www\.shop\.test within \d+\.\d s of the switch$", note);
    }

    [Fact]
    public async Task A_server_that_keeps_the_old_value_is_named_with_what_it_answered()
    {
        // 2 s: long enough for the name servers to be found on a loaded machine, which a shorter wait reported instead.
        var note = await Check(_dns.Port, TimeSpan.FromSeconds(2)).WhenAnsweredAsync(Domain, new DnsRecordOptions { Name = "www" }, "198.51.100.20", CancellationToken.None);

        Assert.Equal("ns1.shop.test did not answer 198.51.100.20 within 2 s (last: 192.0.2.10)", note);
    }

    [Fact]
    public async Task Name_servers_that_cannot_be_found_are_reported_not_thrown()
    {
        var nowhere = FreePorts.Next();

        var note = await Check(nowhere, TimeSpan.FromSeconds(5)).WhenAnsweredAsync(Domain, new DnsRecordOptions { Name = "www" }, "198.51.100.20", CancellationToken.None);

        Assert.StartsWith("the authoritative name servers of shop.test cannot be found from this node (", note, StringComparison.Ordinal);
    }
}
