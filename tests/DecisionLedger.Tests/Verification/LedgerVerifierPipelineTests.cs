using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Tests.Verification;

// The verifier loads pages on several workers and merges them in order; these tests run it with
// pages much smaller than the ledger so tampering lands in pages other workers load.
public sealed class LedgerVerifierPipelineTests
{
    public static TheoryData<string> Tampers => [.. s_tampers.Keys];

    private static readonly Dictionary<string, Action<InMemoryLedgerStore>> s_tampers = new()
    {
        ["none"] = _ => { },
        ["content, leaf rewritten"] = s => Rewrite(s, 300, TestLedger.Entry(300, score: 0.93), rewriteLeaf: true),
        ["content, leaf kept"] = s => Rewrite(s, 421, TestLedger.Entry(421, score: 0.93), rewriteLeaf: false),
        ["two contents"] = s => { Rewrite(s, 450, TestLedger.Entry(450, score: 0.1), false); Rewrite(s, 233, TestLedger.Entry(233, score: 0.1), false); },
        ["row deleted"] = s => s.Data.Entries.RemoveAt(150),
        ["rows swapped"] = s => (s.Data.Entries[310], s.Data.Entries[311]) = (s.Data.Entries[311] with { Seq = 310 }, s.Data.Entries[310] with { Seq = 311 }),
        ["row inserted"] = s => s.Data.Entries.Insert(200, s.Data.Entries[199]),
        ["duplicate request id"] = s => Rewrite(s, 377, TestLedger.Entry(377, requestId: "req-000012"), rewriteLeaf: true),
        ["malformed"] = s => Rewrite(s, 390, "{\"seq\":390"u8.ToArray(), rewriteLeaf: true),
        ["not canonical"] = s => Rewrite(s, 391, TestLedger.Replace(TestLedger.Entry(391), "\"v\":1", "\"v\": 1"), rewriteLeaf: true),
        ["input altered"] = s => Alter(s, 123),
        ["input altered and later content"] = s => { Alter(s, 123); Rewrite(s, 520, TestLedger.Entry(520, score: 0.2), rewriteLeaf: false); },
        ["tail truncated"] = s => s.Data.Entries.RemoveRange(560, 40),
        ["checkpoint rolled back"] = s => s.Data.Checkpoints.Add(s.Data.Checkpoints[0]),
    };

    private static void Rewrite(InMemoryLedgerStore store, int seq, byte[] bytes, bool rewriteLeaf)
    {
        StoredEntry old = store.Data.Entries[seq];
        store.Data.Entries[seq] = old with { CanonicalBytes = bytes, LeafHash = rewriteLeaf ? MerkleHasher.HashLeaf(bytes) : old.LeafHash };
    }

    private static void Alter(InMemoryLedgerStore store, int seq)
    {
        store.Data.Inputs[seq] = store.Data.Inputs[seq] with { Input = "{\"amount\":1,\"merchant\":\"m-0\"}"u8.ToArray() };
    }

    private static InMemoryLedgerStore Tampered(string tamper)
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 100);
        s_tampers[tamper](store);
        return store;
    }

    private static object Outcome(VerificationReport report) =>
        new { report.Passed, report.FirstFinding, report.EntriesVerified, report.CheckpointsVerified, report.InputsVerified, report.TreeSize, report.Root, report.InputsNotChecked };

    [Theory]
    [MemberData(nameof(Tampers))]
    public async Task VerifyAsync_SmallPagesOnManyWorkers_ReportsWhatOnePageOnOneWorkerReports(string tamper)
    {
        foreach (bool strict in new[] { false, true })
        {
            var options = new VerificationOptions { CheckCanonicalForm = strict };
            VerificationReport whole = await new LedgerVerifier(65_536, 1).VerifyAsync(Tampered(tamper), TestLedger.Verifier, TestLedger.Origin, options);

            foreach ((int pageSize, int workers) in new[] { (16, 4), (64, 3), (1, 2), (4_096, 2) })
            {
                VerificationReport paged = await new LedgerVerifier(pageSize, workers).VerifyAsync(Tampered(tamper), TestLedger.Verifier, TestLedger.Origin, options);

                Assert.Equal(Outcome(whole), Outcome(paged));
            }
        }
    }

    [Fact]
    public async Task VerifyAsync_TamperInTheMiddleOfALaterPage_ReportsTheFirstBadSeq()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 100);
        // Page 8 of 16 entries (seq 128..143) and a later page both tampered; a later page may be loaded first.
        Rewrite(store, 135, TestLedger.Entry(135, score: 0.7), rewriteLeaf: false);
        Rewrite(store, 510, TestLedger.Entry(510, score: 0.7), rewriteLeaf: true);

        VerificationReport report = await new LedgerVerifier(16, 4).VerifyAsync(store, TestLedger.Verifier, TestLedger.Origin);

        Assert.Equal(new { Seq = 135L, Kind = TamperKind.ContentChanged }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
        Assert.Equal(135, report.EntriesVerified);
    }

    [Fact]
    public async Task VerifyAsync_SmallPages_ReportsProgressAfterEveryPageUpToTheTotal()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 100);
        var reports = new List<VerificationProgress>();

        await new LedgerVerifier(64, 3).VerifyAsync(store, TestLedger.Verifier, TestLedger.Origin, progress: new SynchronousProgress(reports.Add));

        Assert.Equal(10, reports.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => new VerificationProgress(Math.Min(600, i * 64), 600)), reports);
    }

    [Fact]
    public async Task VerifyAsync_CancelledBeforeStart_Throws()
    {
        InMemoryLedgerStore store = TestLedger.Create(100, checkpointEvery: 50);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await new LedgerVerifier(16, 2).VerifyAsync(store, TestLedger.Verifier, TestLedger.Origin, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task VerifyAsync_CancelledPartWay_ThrowsAndStopsReading()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 100);
        using var cancellation = new CancellationTokenSource();
        var reports = new List<VerificationProgress>();
        var progress = new SynchronousProgress(p =>
        {
            reports.Add(p);
            cancellation.Cancel();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await new LedgerVerifier(16, 2).VerifyAsync(store, TestLedger.Verifier, TestLedger.Origin, progress: progress, cancellationToken: cancellation.Token));

        Assert.Single(reports);
        Assert.Equal(16, reports[0].Done);
    }

    [Fact]
    public void Constructor_PageSizeNotDividingTheChunk_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LedgerVerifier(1_000, 2));
    }

    [Fact]
    public async Task VerifyAsync_FromCheckpointWithSmallPages_VerifiesOnlyLaterEntriesAndFindsTheEdit()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 100);
        Rewrite(store, 477, TestLedger.Entry(477, score: 0.3), rewriteLeaf: false);

        VerificationReport report = await new LedgerVerifier(16, 3).VerifyAsync(store, TestLedger.Verifier, TestLedger.Origin, new VerificationOptions { FromCheckpoint = 300 });

        Assert.Equal(new { Seq = 477L, Kind = TamperKind.ContentChanged }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
        Assert.Equal(177, report.EntriesVerified);
    }

    [Fact]
    public async Task VerifyAsync_MaxParallelismOne_ReportsTheSameFirstFinding()
    {
        VerificationReport report = await new LedgerVerifier(16, 4).VerifyAsync(Tampered("row deleted"), TestLedger.Verifier, TestLedger.Origin, new VerificationOptions { MaxParallelism = 1 });

        Assert.Equal(new { Seq = 150L, Kind = TamperKind.EntryDeleted }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_MaxParallelismZero_Throws()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await new LedgerVerifier().VerifyAsync(TestLedger.Create(10), TestLedger.Verifier, TestLedger.Origin, new VerificationOptions { MaxParallelism = 0 }));
    }

    private sealed class SynchronousProgress(Action<VerificationProgress> report) : IProgress<VerificationProgress>
    {
        public void Report(VerificationProgress value) => report(value);
    }
}
