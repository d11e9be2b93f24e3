using DecisionLedger.Checkpoints;
using DecisionLedger.Reporting;
using DecisionLedger.Tests.Verification;

namespace DecisionLedger.Tests.Reporting;

public sealed class ReportCheckpointScopeTests
{
    [Fact]
    public async Task Reports_EntriesAfterTheCheckpoint_AreNotCounted()
    {
        ReportLedger ledger = new ReportLedger().AddDecisions(12).AddDecisions(6, checkpoint: false);
        ReportCheckpoint checkpoint = await ReportCheckpoint.OpenLatestAsync(ledger.Store, TestLedger.Verifier);

        UsageReport usage = await new UsageReportBuilder(new UsageFilters("fraud_detector", null, null, null)).CreateAsync(ledger.Store, checkpoint);
        VersionTimelineReport timeline = await new VersionTimelineBuilder("fraud_detector").CreateAsync(ledger.Store, checkpoint);
        DataAccessReport access = await new DataAccessReportBuilder().CreateAsync(ledger.Store, new Access.AccessLog(Path.Combine(Path.GetTempPath(), "dledger-no-access-log-" + Path.GetRandomFileName())), checkpoint);

        Assert.Equal(12, checkpoint.TreeSize);
        Assert.Equal(ledger.LatestNote, checkpoint.Note);
        Assert.Equal(12, usage.Total);
        Assert.Equal([4L, 4L, 4L], usage.Versions.Select(v => v.Count));
        Assert.Equal(11, timeline.Periods[^1].LastSeq);
        Assert.Equal(12, Assert.Single(access.Users).Decisions);
        Assert.Equal(5, access.Users[0].Subjects);
    }

    [Fact]
    public async Task OpenLatest_NoCheckpoint_ThrowsSayingHowToMakeOne()
    {
        ReportLedger ledger = new ReportLedger().AddDecisions(3, checkpoint: false);

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReportCheckpoint.OpenLatestAsync(ledger.Store, TestLedger.Verifier));

        Assert.Contains("dledger checkpoint --new", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NoteFromAnotherKey_IsRefused()
    {
        ReportLedger ledger = new ReportLedger().AddDecisions(2);

        Assert.Throws<NoteVerificationException>(() => ReportCheckpoint.Open(ledger.LatestNote, TestLedger.OtherSigner.Verifier));
    }

    [Theory]
    [InlineData("", "not a field path")]
    [InlineData("output..label", "not a field path")]
    [InlineData("input.amount", "points into the input")]
    [InlineData("output", "must start with")]
    [InlineData("seq.x", "must start with")]
    public void OutcomeField_BadPath_NamesTheProblem(string path, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => OutcomeField.Parse(path));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("outcome:", error.Message, StringComparison.Ordinal);
    }
}
