using Mesh.Chaos.Tests.Lab;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>A scenario class: each test gets a fresh lab (<see cref="ChaosShop"/>), removed afterwards however the test ended.</summary>
/// <param name="coordinatorRegion">Where the coordinator starts: nyc1's first node unless a scenario says otherwise.</param>
public abstract class ChaosScenario(string name, string coordinatorRegion = ChaosShop.Active) : IAsyncLifetime
{
    private ChaosShop? _shop;

    internal ChaosShop Shop => _shop ?? throw new InvalidOperationException("the lab is not started");

    public async Task InitializeAsync() => _shop = await ChaosShop.StartAsync(name, coordinatorRegion);

    /// <summary>Every scenario's prologue: the mesh ready with nyc1 active and guarded, and the shop's writers acknowledged.</summary>
    protected async Task ReadyAndWritingAsync()
    {
        await ChaosRun.AwaitReadyAsync(Shop);
        await ChaosRun.StartWritingAsync(Shop);
    }

    /// <summary>Ready, writing, the fault, until the failover completed, a few more seconds of writes; then the shared claims.</summary>
    private protected async Task<ChaosRun.Outcome> FailOverAsync(string scenario, string fault, Func<Task> act)
    {
        await ReadyAndWritingAsync();

        var faultAt = DateTimeOffset.UtcNow;
        await act();
        var recovered = await ChaosRun.AwaitFailoverAsync(Shop, faultAt, TimeSpan.FromSeconds(120));
        await Task.Delay(TimeSpan.FromSeconds(3));   // the writers go on through the new region for a while

        var outcome = await ChaosRun.FinishAsync(Shop, scenario, ChaosShop.Standby, ($"{fault} to DNS switched", recovered));
        outcome.AssertFailedOverOnce();
        return outcome;
    }

    public async Task DisposeAsync()
    {
        if (_shop is not null) await _shop.DisposeAsync();
    }
}
