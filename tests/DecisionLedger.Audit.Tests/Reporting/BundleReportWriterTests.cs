using DecisionLedger.Reporting;
using DecisionLedger.Tests.Verification;

namespace DecisionLedger.Tests.Reporting;

public sealed class BundleReportWriterTests
{
    [Theory]
    [InlineData("fraud_detector", "fraud_detector")]
    [InlineData("../../etc/passwd", "_.._.._etc_passwd")]
    [InlineData("..", "_..")]
    [InlineData("team/model v2", "team_model_v2")]
    [InlineData("", "_")]
    public void FolderFor_ModelName_StaysInsideReports(string model, string expected)
    {
        Assert.Equal(expected, BundleReportWriter.FolderFor(model, new HashSet<string>(StringComparer.OrdinalIgnoreCase)));
    }

    [Fact]
    public void FolderFor_NamesThatCollide_GetASuffix()
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        Assert.Equal("a_b", BundleReportWriter.FolderFor("a/b", used));
        Assert.Equal("a_b-2", BundleReportWriter.FolderFor("a b", used));
        Assert.Equal("A_B-3", BundleReportWriter.FolderFor("A:B", used));
    }

    [Fact]
    public async Task WriteAsync_Bundle_WritesUsageAndTimelineAgainstItsCheckpoint()
    {
        ReportLedger ledger = new ReportLedger().AddDecisions(9).AddDecisions(3, checkpoint: false);
        string bundle = Path.Combine(Path.GetTempPath(), "dledger-bundle-reports-" + Path.GetRandomFileName());
        Directory.CreateDirectory(bundle);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(bundle, "checkpoint"), ledger.LatestNote);

            IReadOnlyList<string> written = await BundleReportWriter.WriteAsync(ledger.Store, bundle, TestLedger.Verifier, filter: null);

            Assert.Equal(["reports/fraud_detector/usage.html", "reports/fraud_detector/version-timeline.html"], written);
            string usage = await File.ReadAllTextAsync(Path.Combine(bundle, "reports", "fraud_detector", "usage.html"));
            Assert.Contains("<tr><th>Decisions</th><td class=\"num\">9</td></tr>", usage, StringComparison.Ordinal);
            Assert.Contains("tree size <strong>9</strong>", usage, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }
}
