using Mesh.Actors.Actions;
using Mesh.Contracts.Configuration;
using Mesh.Contracts.Failover;

namespace Mesh.Integration.Tests.DigitalOcean;

/// <summary>The DNS switch on DigitalOcean, through the validating proxy: update in place, create when missing, read back, idempotent.</summary>
[Collection(DigitalOceanCollection.Name)]
public sealed class DnsSwitcherTests(DigitalOceanFixture fx)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const string Nyc = "192.0.2.10";
    private const string Ams = "198.51.100.20";

    private (DigitalOceanDnsSwitcher Switcher, string Domain) Setup(params DnsRecordOptions[] records)
    {
        var domain = $"dns-{Guid.NewGuid():N}"[..12] + ".test";
        fx.StandIn.AddDomain(domain);
        var dns = new DnsOptions
        {
            Domain = domain,
            Records = records.Length > 0 ? records : [new DnsRecordOptions { Name = "shop", Type = "A", Ttl = 30 }],
            Values = new Dictionary<string, string> { ["nyc1"] = Nyc, ["ams3"] = Ams },
        };
        return (new DigitalOceanDnsSwitcher(fx.Client(), dns), domain);
    }

    private int MutationsOf(string domain) => fx.StandIn.Mutations.Count(m => m.Path.Contains(domain, StringComparison.Ordinal));

    [Fact]
    public async Task Switching_updates_in_place_creates_what_is_missing_and_leaves_other_records_alone()
    {
        var (switcher, domain) = Setup(new DnsRecordOptions { Name = "shop", Type = "A", Ttl = 30 }, new DnsRecordOptions { Name = "@", Type = "A", Ttl = 60 });
        var shop = fx.StandIn.AddRecord(domain, "A", "shop", Nyc, 30);
        var mail = fx.StandIn.AddRecord(domain, "A", "mail", Nyc, 300);
        var txt = fx.StandIn.AddRecord(domain, "TXT", "shop", "v=spf1 -all", 300);

        var report = await switcher.SwitchAsync("ams3", None);

        Assert.True(report.Succeeded);
        Assert.Equal([("shop", DnsChange.Updated, (string?)Nyc), ("@", DnsChange.Created, null)], report.Records.Select(r => (r.Name, r.Change, r.Before)));
        var stored = fx.StandIn.Records(domain).ToDictionary(r => r.Id);
        Assert.Equal((Ams, 30), (stored[shop.Id].Data, stored[shop.Id].Ttl));   // same id: updated in place
        Assert.Equal(mail, stored[mail.Id]);
        Assert.Equal(txt, stored[txt.Id]);
        Assert.Equal(Ams, stored.Values.Single(r => r.Name == "@").Data);
        Assert.Equal([(string?)Ams, Ams], (await switcher.ReadAsync(None)).Select(r => r.Value));
    }

    [Fact]
    public async Task Switching_to_the_value_already_there_succeeds_without_a_mutation()
    {
        var (switcher, domain) = Setup();
        fx.StandIn.AddRecord(domain, "A", "shop", Nyc, 30);
        await switcher.SwitchAsync("ams3", None);
        var mutations = MutationsOf(domain);

        var again = await switcher.SwitchAsync("ams3", None);

        Assert.True(again.Succeeded);
        Assert.Equal(DnsChange.Unchanged, Assert.Single(again.Records).Change);
        Assert.Equal(mutations, MutationsOf(domain));
    }

    [Fact]
    public async Task A_write_the_API_acknowledged_but_did_not_keep_fails_the_read_back_and_a_repeat_fixes_it()
    {
        var (switcher, domain) = Setup();
        fx.StandIn.AddRecord(domain, "A", "shop", Nyc, 30);
        fx.StandIn.DropNextWrites(1);

        var dropped = await switcher.SwitchAsync("ams3", None);
        var repeated = await switcher.SwitchAsync("ams3", None);

        Assert.False(dropped.Succeeded);
        Assert.Equal($"read back {Nyc} after writing {Ams}", Assert.Single(dropped.Records).Error);
        Assert.True(repeated.Succeeded);
        Assert.Equal(Ams, Assert.Single(fx.StandIn.Records(domain)).Data);
    }

    [Fact]
    public async Task A_name_with_several_records_of_the_type_is_not_touched()
    {
        var (switcher, domain) = Setup();
        fx.StandIn.AddRecord(domain, "A", "shop", Nyc, 30);
        fx.StandIn.AddRecord(domain, "A", "shop", "192.0.2.11", 30);

        var report = await switcher.SwitchAsync("ams3", None);

        Assert.False(report.Succeeded);
        Assert.Contains("has 2 A records", Assert.Single(report.Records).Error, StringComparison.Ordinal);
        Assert.Equal(0, MutationsOf(domain));
    }

    private static readonly Epoch Seven = new(7, "coordinator-a");

    [Fact]
    public async Task The_plan_step_switches_the_record_then_marks_it_with_the_epoch_and_a_repeat_changes_nothing()
    {
        var (switcher, domain) = Setup();
        var shop = fx.StandIn.AddRecord(domain, "A", "shop", Nyc, 30);

        var result = await switcher.SwitchRecordAsync("shop", "nyc1", "ams3", Seven, None);
        var mutations = MutationsOf(domain);
        var again = await switcher.SwitchRecordAsync("shop", "nyc1", "ams3", Seven, None);

        Assert.True(result.Confirmed);
        var records = fx.StandIn.Records(domain);
        Assert.Equal(Ams, records.Single(r => r.Id == shop.Id).Data);
        var marker = records.Single(r => r.Type == "TXT");
        Assert.Equal(("_healthmesh.shop", "healthmesh epoch=7 active=ams3"), (marker.Name, marker.Data));
        Assert.True(again.Confirmed);
        Assert.Equal(mutations, MutationsOf(domain));
    }

    [Fact]
    public async Task A_newer_epoch_at_the_record_refuses_the_switch_and_changes_nothing()
    {
        var (switcher, domain) = Setup();
        fx.StandIn.AddRecord(domain, "A", "shop", Nyc, 30);
        fx.StandIn.AddRecord(domain, "TXT", "_healthmesh.shop", "healthmesh epoch=9 active=nyc1", 30);

        var e = await Assert.ThrowsAsync<StaleEpochException>(() => switcher.SwitchRecordAsync("shop", "nyc1", "ams3", Seven, None));

        Assert.Equal((9L, 7L), (e.Recorded.Counter, e.Attempted.Counter));
        Assert.Equal(0, MutationsOf(domain));
        Assert.Equal(Nyc, fx.StandIn.Records(domain).Single(r => r.Type == "A").Data);
    }

    [Fact]
    public async Task A_record_changed_by_hand_to_neither_regions_value_blocks_the_step()
    {
        var (switcher, domain) = Setup();
        fx.StandIn.AddRecord(domain, "A", "shop", "203.0.113.99", 30);

        var result = await switcher.SwitchRecordAsync("shop", "nyc1", "ams3", Seven, None);

        Assert.False(result.Confirmed);
        Assert.Equal($"shop.{domain} holds 203.0.113.99, neither nyc1's {Nyc} nor ams3's {Ams}: it was changed outside the mesh; fix it or adopt", result.Error);
        Assert.Equal(0, MutationsOf(domain));
    }

    [Fact]
    public async Task A_429_storm_during_the_step_is_waited_out()
    {
        var (switcher, domain) = Setup();
        fx.StandIn.AddRecord(domain, "A", "shop", Nyc, 30);
        fx.StandIn.FailNext(3, 429);

        var result = await switcher.SwitchRecordAsync("shop", "nyc1", "ams3", Seven, None);

        Assert.True(result.Confirmed);
        Assert.Equal(Ams, fx.StandIn.Records(domain).Single(r => r.Type == "A").Data);
    }
}
