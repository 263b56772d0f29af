using Mesh.Chaos.Tests.Lab;

namespace Mesh.Chaos.Tests.Scenarios;

/// <summary>A scenario class: each test gets a fresh lab (<see cref="ChaosShop"/>), removed afterwards however the test ended.</summary>
public abstract class ChaosScenario(string name) : IAsyncLifetime
{
    private ChaosShop? _shop;

    internal ChaosShop Shop => _shop ?? throw new InvalidOperationException("the lab is not started");

    public async Task InitializeAsync() => _shop = await ChaosShop.StartAsync(name);

    /// <summary>Every scenario's prologue: the mesh ready with nyc1 active and guarded, and the shop's writers acknowledged.</summary>
    protected async Task ReadyAndWritingAsync()
    {
        await ChaosRun.AwaitReadyAsync(Shop);
        await ChaosRun.StartWritingAsync(Shop);
    }

    public async Task DisposeAsync()
    {
        if (_shop is not null) await _shop.DisposeAsync();
    }
}
