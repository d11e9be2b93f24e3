namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// A collector over two models: <see cref="FraudDetectorDecisions"/> SHAP-explained decisions of
/// <see cref="DashboardDecisions.Model"/> (two versions), then the three ML.NET decisions of
/// <see cref="MlNetFraudDecisions.Model"/>; with a key of each role.
/// </summary>
public sealed class MixedModelsCollector : IAsyncLifetime
{
    public const int FraudDetectorDecisions = 40;

    public DashboardCollector Collector { get; } = new(FraudDetectorDecisions, null, MlNetFraudDecisions.Create());

    public Task InitializeAsync() => Collector.InitializeAsync();

    public Task DisposeAsync() => Collector.DisposeAsync();
}
