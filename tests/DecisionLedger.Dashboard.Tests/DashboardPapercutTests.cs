namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// The first-hour papercuts of the dashboard, each driven in a real headless chromium against a collector
/// over two models (see e2e/dashboard.mjs for the steps of each mode).
/// </summary>
public sealed class DashboardPapercutTests(MixedModelsCollector fixture) : IClassFixture<MixedModelsCollector>
{
    [BrowserFact]
    public Task EveryPage_At420PxWide_HasNoHorizontalOverflow() => RunAsync(fixture.Collector.AuditorKey, "narrow");

    [BrowserFact]
    public Task Reader_SeesOnlyThePagesItsRoleOpens_AndNoRequestIsRefused() => RunAsync(fixture.Collector.ReaderKey, "reader");

    [BrowserFact]
    public Task UsageChart_WhoseMaximumIsOne_LabelsItsAxisWithDistinctWholeNumbers() => RunAsync(fixture.Collector.AuditorKey, "ticks");

    [BrowserFact]
    public Task ModelPicker_ListsTheLedgersModels_AndFiltersSearchUsageAndTimeline() => RunAsync(fixture.Collector.AuditorKey, "models");

    [BrowserFact]
    public Task ExplanationCaption_FollowsTheRecordedMethodSignAndBaseValue() => RunAsync(fixture.Collector.AuditorKey, "explanation");

    private async Task RunAsync(string key, string mode)
    {
        (int exitCode, string output) = await BrowserScript.RunAsync(fixture.Collector.BaseUrl, key, mode);

        Assert.True(exitCode == 0, $"the {mode} script failed (exit {exitCode}); screenshots in {BrowserScript.ScreenshotDirectory}:\n{output}");
    }
}
