namespace DecisionLedger.Dashboard.Tests;

/// <summary>The dashboard in a real headless chromium against a real collector (see e2e/dashboard.mjs for the steps).</summary>
public sealed class DashboardBrowserTests(DashboardCollector collector) : IClassFixture<DashboardCollector>
{
    [BrowserFact]
    public async Task Dashboard_LoginSearchDecisionReportsVerification_RenderWithoutErrors()
    {
        (int exitCode, string output) = await BrowserScript.RunAsync(collector.BaseUrl, collector.AuditorKey, "full");

        Assert.True(exitCode == 0, $"the browser script failed (exit {exitCode}); screenshots in {BrowserScript.ScreenshotDirectory}:\n{output}");
        foreach (string screenshot in new[] { "01-search", "02-decision", "03-usage", "04-timeline", "05-verification" })
        {
            Assert.True(new FileInfo(Path.Combine(BrowserScript.ScreenshotDirectory, screenshot + ".png")).Length > 10_000, $"{screenshot}.png is missing or empty");
        }
    }

    [BrowserFact]
    public async Task Login_WithWrongKey_ShowsWrongKeyMessageAndKeepsNoKey()
    {
        string wrong = collector.AuditorKey[..^4] + (collector.AuditorKey.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        (int exitCode, string output) = await BrowserScript.RunAsync(collector.BaseUrl, wrong, "wrong-key");

        Assert.True(exitCode == 0, $"the wrong-key script failed (exit {exitCode}):\n{output}");
    }
}
