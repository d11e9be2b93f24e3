namespace DecisionLedger.Server.Tests;

/// <summary>One collector shared by the tests of a class.</summary>
public sealed class CollectorFixture : IAsyncLifetime
{
    public RunningCollector Collector { get; private set; } = null!;

    public async Task InitializeAsync() => Collector = await RunningCollector.StartAsync();

    public async Task DisposeAsync() => await Collector.DisposeAsync();
}
