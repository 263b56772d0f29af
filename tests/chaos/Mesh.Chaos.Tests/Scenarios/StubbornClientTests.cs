using Mesh.Chaos.Tests.Lab;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>
/// Scenario (14): a client inside nyc1 keeps writing to nyc1's PostgreSQL directly and fights the fence (read-only
/// default off, BEGIN READ WRITE) while nyc1 is cut off and failed over. The strict fence must hold against it: once
/// refused it never writes again, and nothing it wrote was acknowledged after ams3 took its first write.
/// </summary>
public sealed class StubbornClientTests() : ChaosScenario("stubborn")
{
    private const string Stubborn = $"stubborn-{ChaosShop.Active}";

    [Fact]
    public async Task A_client_overriding_read_only_cannot_write_to_the_fenced_old_primary()
    {
        await ReadyAndWritingAsync();
        Shop.StartStubbornWriter(ChaosShop.Active);
        await Mesh.Tests.Shared.Eventually.UntilAsync(() => Task.FromResult(Shop.Journal(Stubborn).Any(e => e.Acknowledged)),
            TimeSpan.FromSeconds(30), $"the stubborn client's writes are acknowledged before the fault; logs in {Shop.Root}");

        var cutAt = DateTimeOffset.UtcNow;
        await Shop.Lab.IsolateAsync(ChaosShop.Active);
        var failedOver = await ChaosRun.AwaitFailoverAsync(Shop, cutAt, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(5));   // the client goes on trying against the fenced server

        var outcome = await ChaosRun.FinishAsync(Shop, "(14) stubborn client against the fenced primary", ChaosShop.Standby,
            ("cut to DNS switched", failedOver), ("cut to the stubborn client refused", RefusedAt(cutAt) - cutAt));
        var journal = Shop.Journal(Stubborn);
        var lastAck = journal.Last(e => e.Acknowledged).At;
        var firstRefusal = RefusedAt(cutAt);
        var newPrimaryFirstWrite = Shop.Acknowledged().Where(a => a.Host == Shop.Lab.RegionIp(ChaosShop.Standby)).Min(a => a.At);
        Console.WriteLine($"chaos (14): stubborn client: {journal.Count(e => e.Acknowledged)} acknowledged, {journal.Count(e => !e.Acknowledged)} refused; " +
                          $"last acknowledged {(lastAck - cutAt).TotalSeconds:0.0} s after the cut, ams3's first write {(newPrimaryFirstWrite - cutAt).TotalSeconds:0.0} s after it");

        // An acknowledgement is journalled when the commit returned, a refusal with the time its attempt began: the same
        // millisecond when the fence lands right after a commit.
        Assert.True(lastAck <= firstRefusal, "the stubborn client wrote again after the fence had refused it");
        Assert.True(lastAck < newPrimaryFirstWrite, "the stubborn client's write to nyc1 was acknowledged after ams3 had taken writes");
        outcome.AssertFailedOverOnce();
        Assert.False(await Shop.TakesWritesAsync(ChaosShop.Active), "nyc1's PostgreSQL takes writes after the failover");
        Shop.MarkPassed();
    }

    /// <summary>When the stubborn client's first write after the cut was refused.</summary>
    private DateTimeOffset RefusedAt(DateTimeOffset cutAt) =>
        Shop.Journal(Stubborn).Where(e => !e.Acknowledged && e.At >= cutAt).Select(e => e.At).DefaultIfEmpty(DateTimeOffset.MaxValue).First();
}
