using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Tests.Verification;

// Runs against InMemoryLedgerStore (DecisionLedger.Testing), held to the store contract; tampering
// goes through its public Data, as someone with database access would change rows.
public sealed class LedgerVerifierTests
{
    private static ValueTask<VerificationReport> VerifyAsync(InMemoryLedgerStore store, VerificationOptions? options = null, IProgress<VerificationProgress>? progress = null) =>
        new LedgerVerifier().VerifyAsync(store, TestLedger.Verifier, TestLedger.Origin, options, progress);

    private static void Rewrite(InMemoryLedgerStore store, int seq, byte[] bytes, bool rewriteLeaf)
    {
        StoredEntry old = store.Data.Entries[seq];
        store.Data.Entries[seq] = old with { CanonicalBytes = bytes, LeafHash = rewriteLeaf ? MerkleHasher.HashLeaf(bytes) : old.LeafHash };
    }

    [Fact]
    public async Task VerifyAsync_IntactStore_PassesAndCountsEverything()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 200);

        VerificationReport report = await VerifyAsync(store);

        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal((600L, 3L, 600L, 600L), (report.EntriesVerified, report.CheckpointsVerified, report.InputsVerified, report.TreeSize));
        Assert.Equal(store.Data.Checkpoints[^1].RootHash, report.Root);
    }

    [Fact]
    public async Task VerifyAsync_EntryAndLeafColumnRewritten_TileLocatesContentChangedSeq()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 200);
        Rewrite(store, 10, TestLedger.Entry(10, score: 0.93), rewriteLeaf: true);

        VerificationReport report = await VerifyAsync(store);

        Assert.False(report.Passed);
        Assert.Equal(new { Seq = 10L, Kind = TamperKind.ContentChanged }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
        Assert.Contains("tile", report.FirstFinding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_StoredInputEdited_ReportsInputAltered()
    {
        InMemoryLedgerStore store = TestLedger.Create(300, checkpointEvery: 100);
        store.Data.Inputs[123] = store.Data.Inputs[123] with { Input = "{\"amount\":1,\"merchant\":\"m-0\"}"u8.ToArray() };

        VerificationReport report = await VerifyAsync(store);

        Assert.Equal(new { Seq = 123L, Kind = TamperKind.InputAltered }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_InputsDeletedWithoutErasureEvent_ReportsInputMissing()
    {
        // Erasure appends an event naming the subject (see the CLI's erase tests, which pass verify);
        // inputs deleted with no such event are tampering.
        InMemoryLedgerStore store = TestLedger.Create(50, checkpointEvery: 20);
        await store.DeleteInputsAsync([3, 4, 5]);

        VerificationReport report = await VerifyAsync(store);

        Assert.False(report.Passed);
        Assert.Equal(new { Seq = 3L, Kind = TamperKind.InputMissing }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
        Assert.Equal(47, report.InputsVerified);
    }

    [Fact]
    public async Task VerifyAsync_RowDeleted_ReportsEntryDeleted()
    {
        InMemoryLedgerStore store = TestLedger.Create(300, checkpointEvery: 100);
        store.Data.Entries.RemoveAt(150);

        VerificationReport report = await VerifyAsync(store);

        Assert.Equal(new { Seq = 150L, Kind = TamperKind.EntryDeleted }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_FromCheckpoint_VerifiesOnlyLaterEntries()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 200);
        // A change before the trusted checkpoint is outside an incremental run's scope.
        Rewrite(store, 50, TestLedger.Entry(50, score: 0.1), rewriteLeaf: false);

        VerificationReport report = await VerifyAsync(store, new VerificationOptions { FromCheckpoint = 400 });

        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal((200L, 600L), (report.EntriesVerified, report.TreeSize));
    }

    [Fact]
    public async Task VerifyAsync_FromCheckpointWithLaterEdit_ReportsIt()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 200);
        Rewrite(store, 450, TestLedger.Entry(450, score: 0.1), rewriteLeaf: false);

        VerificationReport report = await VerifyAsync(store, new VerificationOptions { FromCheckpoint = 400 });

        Assert.Equal(new { Seq = 450L, Kind = TamperKind.ContentChanged }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_FromCheckpointWhoseTilesWereAltered_Fails()
    {
        InMemoryLedgerStore store = TestLedger.Create(600, checkpointEvery: 200);
        store.Data.Tiles[new TileId(0, 0)] = Tile.FromBaseHashes(Enumerable.Repeat(MerkleHasher.EmptyRoot, Tile.Width).ToArray());

        VerificationReport report = await VerifyAsync(store, new VerificationOptions { FromCheckpoint = 400 });

        Assert.Equal(TamperKind.ContentChanged, report.FirstFinding!.Kind);
    }

    [Fact]
    public async Task VerifyAsync_FromUncheckpointedSize_Throws()
    {
        InMemoryLedgerStore store = TestLedger.Create(300, checkpointEvery: 100);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await VerifyAsync(store, new VerificationOptions { FromCheckpoint = 150 }));
    }

    [Fact]
    public async Task VerifyAsync_WithProgress_ReportsTotal()
    {
        InMemoryLedgerStore store = TestLedger.Create(100, checkpointEvery: 50);
        var reports = new List<VerificationProgress>();

        await VerifyAsync(store, progress: new SynchronousProgress(reports.Add));

        Assert.Equal(new VerificationProgress(100, 100), reports[^1]);
    }

    private sealed class SynchronousProgress(Action<VerificationProgress> report) : IProgress<VerificationProgress>
    {
        public void Report(VerificationProgress value) => report(value);
    }
}
