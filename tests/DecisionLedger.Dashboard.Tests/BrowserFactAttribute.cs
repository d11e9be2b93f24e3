namespace DecisionLedger.Dashboard.Tests;

/// <summary>
/// A test that needs chromium (<c>DLEDGER_TEST_CHROMIUM</c>) and node on the PATH: skipped with the reason
/// when either is missing, except under <c>DLEDGER_TEST_REQUIRE_SERVICES=1</c> (CI), where it runs and fails loudly.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("DLEDGER_TEST_REQUIRE_SERVICES") == "1")
        {
            return;
        }

        if (BrowserScript.Chromium is null)
        {
            Skip = "DLEDGER_TEST_CHROMIUM is not set to an existing chromium binary (source .ci/services.sh); the dashboard browser test needs it.";
        }
        else if (BrowserScript.Node is null)
        {
            Skip = "node is not on the PATH; the dashboard browser test runs playwright-core with it.";
        }
    }
}
