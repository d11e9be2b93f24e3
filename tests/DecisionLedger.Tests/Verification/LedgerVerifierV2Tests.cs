using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Tests.Verification;

// Full-ledger verification of entry format v2: version order, chain links, heads entries.
// Ledgers are written by V2TestLedger (the real writers and heads map), bent where a test says so.
public sealed class LedgerVerifierV2Tests
{
    private static readonly string s_alice = V2TestLedger.RefOf(1);
    private static readonly string s_bob = V2TestLedger.RefOf(2);

    private static ValueTask<VerificationReport> VerifyAsync(InMemoryLedgerStore store, VerificationOptions? options = null) =>
        new LedgerVerifier(pageSize: 4, workers: 2).VerifyAsync(store, TestLedger.Verifier, TestLedger.Origin, options);

    // seq 0-2 v1, 3 format, 4.. v2 decisions of two models and two subjects, heads + checkpoint twice.
    private static V2TestLedger Mixed()
    {
        var ledger = new V2TestLedger();
        ledger.V1();
        ledger.V1(subjectId: "bob");
        ledger.V1(model: "churn");
        ledger.Checkpoint();
        ledger.Format();
        ledger.V2(subjectRef: s_alice);
        ledger.V2(subjectRef: s_bob);
        ledger.V2(model: "churn", subjectRef: s_alice);
        ledger.V2(model: "churn");
        ledger.HeadsAndCheckpoint();
        ledger.V2(subjectRef: s_alice);
        ledger.V2(subjectRef: s_bob);
        ledger.HeadsAndCheckpoint();
        return ledger;
    }

    private static async Task AssertFinding(InMemoryLedgerStore store, long seq, TamperKind kind)
    {
        VerificationReport report = await VerifyAsync(store);
        Assert.False(report.Passed);
        Assert.Equal(new { Seq = seq, Kind = kind }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }

    [Fact]
    public async Task VerifyAsync_CleanMixedV1ToV2Ledger_Passes()
    {
        InMemoryLedgerStore store = Mixed().Build();

        VerificationReport report = await VerifyAsync(store);

        Assert.True(report.Passed, report.FirstFinding?.ToString());
        Assert.Equal((12L, 3L), (report.TreeSize, report.CheckpointsVerified));
    }

    [Fact]
    public async Task VerifyAsync_NewLedgerInV2FromSeqZero_Passes()
    {
        var ledger = new V2TestLedger();
        ledger.Format();
        ledger.V2(subjectRef: s_alice);
        ledger.V2();
        ledger.HeadsAndCheckpoint();

        VerificationReport report = await VerifyAsync(ledger.Build());

        Assert.True(report.Passed, report.FirstFinding?.ToString());
    }

    [Fact]
    public async Task VerifyAsync_RepointedPrevSubject_ReportsChainBrokenAtThatSeq()
    {
        V2TestLedger ledger = Mixed();
        // seq 12: fraud's last decision is 10 and alice's is 9; its subject link points at 6, an older one.
        long bad = ledger.V2(subjectRef: s_alice, prev: new ChainLinks(10, 6));
        ledger.HeadsAndCheckpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.ChainBroken);
    }

    [Fact]
    public async Task VerifyAsync_ChainEntryDroppedFromTheChain_ReportsChainBroken()
    {
        // seq 12 links its model chain past seq 10, the model's last decision, to seq 9: seq 10 was left out.
        V2TestLedger ledger = Mixed();
        long bad = ledger.V2(subjectRef: s_bob, prev: new ChainLinks(9, 10));
        ledger.HeadsAndCheckpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.ChainBroken);
    }

    [Fact]
    public async Task VerifyAsync_SubjectLinkWithoutSubject_ReportsChainBroken()
    {
        V2TestLedger ledger = Mixed();
        // The writer refuses this, so a hostile one is simulated by bending the bytes before they are hashed.
        long bad = ledger.V2(model: "churn", bend: json => json.Replace("\"subject\":-1", "\"subject\":10", StringComparison.Ordinal));
        ledger.HeadsAndCheckpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.ChainBroken);
    }

    [Fact]
    public async Task VerifyAsync_ForgedHeadsRoot_ReportsHeadsMismatch()
    {
        V2TestLedger ledger = Mixed();
        ledger.V2(subjectRef: s_alice);
        long bad = ledger.Heads(root: Sha256Hash.Compute("forged"u8));
        ledger.Checkpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.HeadsMismatch);
    }

    [Fact]
    public async Task VerifyAsync_WrongHeadsKeyCount_ReportsHeadsMismatch()
    {
        V2TestLedger ledger = Mixed();
        ledger.V2(subjectRef: V2TestLedger.RefOf(3));
        long bad = ledger.Heads(keys: 4);
        ledger.Checkpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.HeadsMismatch);
    }

    [Fact]
    public async Task VerifyAsync_StaleHeads_ReportsHeadsMismatch()
    {
        // The second heads entry repeats the first one's root although two decisions came in between.
        var ledger = new V2TestLedger();
        ledger.Format();
        ledger.V2(subjectRef: s_alice);
        ledger.Heads();
        ledger.Checkpoint();
        InMemoryLedgerStore peek = ledger.Store;
        EventEntry first = EventCanonicalizer.Parse(peek.Data.Entries[2].CanonicalBytes);
        ledger.V2(subjectRef: s_alice);
        ledger.V2(subjectRef: s_bob);
        long bad = ledger.Heads(first.Event.HeadsRoot, first.Event.HeadsKeys);
        ledger.Checkpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.HeadsMismatch);
    }

    [Fact]
    public async Task VerifyAsync_CheckpointAfterSwitchWithoutHeads_ReportsHeadsMissingAtItsLastEntry()
    {
        V2TestLedger ledger = Mixed();
        ledger.V2(subjectRef: s_alice);
        long last = ledger.V2(subjectRef: s_bob);
        ledger.Checkpoint();

        await AssertFinding(ledger.Build(), last, TamperKind.HeadsMissing);
    }

    [Fact]
    public async Task VerifyAsync_V1EntryAfterTheSwitch_ReportsVersionMismatch()
    {
        V2TestLedger ledger = Mixed();
        long bad = ledger.V1();
        ledger.HeadsAndCheckpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.VersionMismatch);
    }

    [Fact]
    public async Task VerifyAsync_V2EntryBeforeAnyFormatEvent_ReportsVersionMismatch()
    {
        var ledger = new V2TestLedger();
        ledger.V1();
        long bad = ledger.V2(subjectRef: s_alice);
        ledger.Checkpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.VersionMismatch);
    }

    [Fact]
    public async Task VerifyAsync_SecondFormatEvent_ReportsVersionMismatch()
    {
        V2TestLedger ledger = Mixed();
        long bad = ledger.Format();
        ledger.HeadsAndCheckpoint();

        await AssertFinding(ledger.Build(), bad, TamperKind.VersionMismatch);
    }

    [Fact]
    public async Task VerifyAsync_V2InputsErasedWithAnErasureNamingTheRef_Passes()
    {
        V2TestLedger ledger = Mixed();
        InMemoryLedgerStore store = ledger.Store;
        ledger.ErasureV2(s_alice, 3);
        ledger.HeadsAndCheckpoint();
        ledger.Build();
        await store.DeleteInputsAsync([4, 6, 9]);

        VerificationReport report = await VerifyAsync(store);

        Assert.True(report.Passed, report.FirstFinding?.ToString());
    }

    [Fact]
    public async Task VerifyAsync_V2InputDeletedWithoutErasureOfItsRef_ReportsInputMissing()
    {
        V2TestLedger ledger = Mixed();
        InMemoryLedgerStore store = ledger.Store;
        ledger.ErasureV2(s_bob, 2);
        ledger.HeadsAndCheckpoint();
        ledger.Build();
        await store.DeleteInputsAsync([4]);

        await AssertFinding(store, 4, TamperKind.InputMissing);
    }

    [Fact]
    public async Task VerifyAsync_V2SubjectColumnHoldsTheClearId_ReportsIndexMismatch()
    {
        InMemoryLedgerStore store = Mixed().Build();
        StoredEntry row = store.Data.Entries[4];
        store.Data.Entries[4] = row with { Columns = row.Columns with { SubjectId = "alice" } };

        VerificationReport report = await VerifyAsync(store);

        Assert.Equal(new { Seq = 4L, Kind = TamperKind.IndexMismatch }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
        Assert.Contains("subject_id", report.FirstFinding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_PrevEditedInTheStore_ReportsContentChanged()
    {
        // The same edit with the stored leaf left alone: the leaf check comes first.
        InMemoryLedgerStore store = Mixed().Build();
        StoredEntry row = store.Data.Entries[10];
        store.Data.Entries[10] = row with { CanonicalBytes = TestLedger.Replace(row.CanonicalBytes, "\"prev\":{\"model\":9", "\"prev\":{\"model\":4") };

        await AssertFinding(store, 10, TamperKind.ContentChanged);
    }

    [Fact]
    public async Task VerifyAsync_PrevEditedInTheStoreWithItsLeaf_ReportsChainBrokenAtThatSeq()
    {
        // Someone with database access re-points a link and rewrites the stored leaf to match: the chain
        // rule names the entry before the signed root two entries later would.
        InMemoryLedgerStore store = Mixed().Build();
        StoredEntry row = store.Data.Entries[10];
        byte[] bytes = TestLedger.Replace(row.CanonicalBytes, "\"prev\":{\"model\":9", "\"prev\":{\"model\":4");
        store.Data.Entries[10] = row with { CanonicalBytes = bytes, LeafHash = MerkleHasher.HashLeaf(bytes) };

        await AssertFinding(store, 10, TamperKind.ChainBroken);
    }

    [Fact]
    public async Task VerifyAsync_FromACheckpointAfterTheSwitch_ChecksVersionOrderOnly()
    {
        V2TestLedger ledger = Mixed();
        ledger.V2(subjectRef: s_alice);
        long bad = ledger.V1();
        ledger.HeadsAndCheckpoint();

        VerificationReport report = await VerifyAsync(ledger.Build(), new VerificationOptions { FromCheckpoint = 9 });

        Assert.Equal(new { Seq = bad, Kind = TamperKind.VersionMismatch }, new { report.FirstFinding!.Seq, report.FirstFinding.Kind });
    }
}
