using DecisionLedger.Checkpoints;
using DecisionLedger.Reporting;
using DecisionLedger.Tests.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.Reporting;

public sealed class SubjectReportBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task ReadDecisionsAsync_ManyPages_StreamsEveryDecisionOnceNewestFirst()
    {
        var ledger = new ReportLedger().AddDecisions(50);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now), pageSize: 3);

        SubjectReport report = await builder.CreateAsync("customer-2", ledger.LatestNote, TestLedger.Verifier);
        List<ReportedDecision> decisions = await ToListAsync(builder.ReadDecisionsAsync(report));

        long[] expected = Enumerable.Range(0, 50).Where(s => s % 5 == 2).Select(s => (long)s).Reverse().ToArray();
        Assert.Equal(10, report.DecisionCount);
        Assert.Equal(expected, decisions.Select(d => d.Seq).ToArray());
        Assert.All(decisions, d => Assert.Equal($"req-{d.Seq:D6}", d.RequestId));
    }

    [Fact]
    public async Task CreateAsync_Always_StampsCheckpointAndGeneratedAt()
    {
        var ledger = new ReportLedger().AddDecisions(12);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now));

        SubjectReport report = await builder.CreateAsync("customer-1", ledger.LatestNote, TestLedger.Verifier);

        Assert.Equal("customer-1", report.SubjectId);
        Assert.Equal(Now, report.GeneratedAt);
        Assert.Equal(12, report.Checkpoint.Size);
        Assert.Equal(ledger.Store.Data.Checkpoints[^1].RootHash, report.Checkpoint.RootHash);
        Assert.Equal(TestLedger.Origin, report.Checkpoint.Origin);
        Assert.Equal(ledger.LatestNote, report.SignedNote);
    }

    [Fact]
    public async Task ReadDecisionsAsync_KnownEntry_ReportsOutcomeModelAndTopThreeFactorsBySize()
    {
        var ledger = new ReportLedger().AddDecisions(20);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now));
        SubjectReport report = await builder.CreateAsync("customer-3", ledger.LatestNote, TestLedger.Verifier);

        ReportedDecision seq13 = Assert.Single(await ToListAsync(builder.ReadDecisionsAsync(report)), d => d.Seq == 13);

        // Attributions of seq 13: amount 0.42, merchant -0.05, country 0.3, hour -0.6, device 0.01.
        Assert.Equal([new ReportedFactor("hour", -0.6), new ReportedFactor("amount", 0.42), new ReportedFactor("country", 0.3)], seq13.MainFactors);
        Assert.Equal("""{"label":"legit","score":0.31}""", seq13.Output);
        Assert.Equal("fraud_detector", seq13.ModelName);
        Assert.Equal("3.2.1", seq13.ModelVersion);
        Assert.Equal(new DateTimeOffset(2026, 11, 14, 14, 5, 13, TimeSpan.Zero), seq13.Timestamp);
        Assert.True(seq13.InputHeld);
    }

    [Fact]
    public async Task ReadDecisionsAsync_InputErased_ReportsInputNotHeld()
    {
        var ledger = new ReportLedger().AddDecisions(10);
        ledger.Store.Data.Inputs.Remove(4);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now));
        SubjectReport report = await builder.CreateAsync("customer-4", ledger.LatestNote, TestLedger.Verifier);

        List<ReportedDecision> decisions = await ToListAsync(builder.ReadDecisionsAsync(report));

        Assert.Equal([(9L, true), (4L, false)], decisions.Select(d => (d.Seq, d.InputHeld)).ToArray());
    }

    [Fact]
    public async Task CreateAsync_LedgerEventAboutSubject_ListsItApartAndSkipsItAmongDecisions()
    {
        var ledger = new ReportLedger().AddDecisions(10, checkpoint: false).AddEvent("customer-0").AddDecisions(5);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now), pageSize: 2);

        SubjectReport report = await builder.CreateAsync("customer-0", ledger.LatestNote, TestLedger.Verifier);
        List<ReportedDecision> decisions = await ToListAsync(builder.ReadDecisionsAsync(report));

        ReportedLedgerEvent erasure = Assert.Single(report.LedgerEvents);
        Assert.Equal((10L, "erasure"), (erasure.Seq, erasure.Kind));
        Assert.Equal(3, report.DecisionCount);
        Assert.Equal([15L, 5L, 0L], decisions.Select(d => d.Seq).ToArray());
    }

    [Fact]
    public async Task CreateAsync_DecisionsAfterCheckpoint_CountsThemApartAndLeavesThemOut()
    {
        var ledger = new ReportLedger().AddDecisions(10).AddDecisions(10, checkpoint: false);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now));

        SubjectReport report = await builder.CreateAsync("customer-1", ledger.LatestNote, TestLedger.Verifier);
        List<ReportedDecision> decisions = await ToListAsync(builder.ReadDecisionsAsync(report));

        Assert.Equal(2, report.DecisionCount);
        Assert.Equal(2, report.DecisionsAfterCheckpoint);
        Assert.Equal([6L, 1L], decisions.Select(d => d.Seq).ToArray());
    }

    [Fact]
    public async Task CreateAsync_UnknownSubject_CountsNoDecisions()
    {
        var ledger = new ReportLedger().AddDecisions(10);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now));

        SubjectReport report = await builder.CreateAsync("customer-77", ledger.LatestNote, TestLedger.Verifier);

        Assert.Equal(0, report.DecisionCount);
        Assert.Empty(await ToListAsync(builder.ReadDecisionsAsync(report)));
    }

    [Fact]
    public async Task CreateAsync_CheckpointSignedByAnotherKey_Throws()
    {
        var ledger = new ReportLedger().AddDecisions(5);
        var builder = new SubjectReportBuilder(ledger.Store, new FakeTimeProvider(Now));

        await Assert.ThrowsAsync<NoteVerificationException>(() => builder.CreateAsync("customer-1", ledger.LatestNote, TestLedger.OtherSigner.Verifier));
    }

    [Fact]
    public void MainFactors_TiedMagnitudes_OrdersByNameAndKeepsSign()
    {
        var attributions = new Dictionary<string, double> { ["b"] = -0.2, ["a"] = 0.2, ["c"] = 0.1, ["d"] = 0.05 };

        IReadOnlyList<ReportedFactor> factors = SubjectReportBuilder.MainFactors(attributions);

        Assert.Equal([new ReportedFactor("a", 0.2), new ReportedFactor("b", -0.2), new ReportedFactor("c", 0.1)], factors);
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
