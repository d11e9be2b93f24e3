using DecisionLedger.Checkpoints;
using DecisionLedger.Merkle;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>Receipts with <c>includeProof</c>: the covering checkpoint and inclusion proof, checked offline.</summary>
public sealed class ReceiptProofTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task RecordAsync_IncludeProof_ReceiptVerifiesOfflineWithThePublicKeyAlone()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        var receipts = new List<RecordReceipt>();
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, MaxBatchSize = 40 }))
        {
            Task<RecordReceipt>[] pending = Enumerable.Range(0, 300).Select(i => recorder.RecordAsync(RecorderFixture.Decision(i), includeProof: true).AsTask()).ToArray();
            receipts.AddRange(await Task.WhenAll(pending));
        }

        // Only the published verifier key string: what an auditor holds.
        NoteVerifier verifier = NoteVerifier.Parse(_fixture.Signer.Verifier.VerifierKey);
        foreach (RecordReceipt receipt in receipts)
        {
            Assert.NotNull(receipt.Checkpoint);
            InclusionProof proof = Assert.IsType<InclusionProof>(receipt.InclusionProof);
            Checkpoint checkpoint = CheckpointNote.Open(receipt.Checkpoint, verifier, Origin);
            Assert.Equal(receipt.Seq, proof.LeafIndex);
            Assert.Equal(receipt.LeafHash, proof.LeafHash);
            Assert.Equal(checkpoint.Size, proof.TreeSize);
            Assert.True(receipt.Seq < checkpoint.Size);
            Assert.True(MerkleProofVerifier.VerifyInclusion(proof.LeafIndex, proof.TreeSize, proof.LeafHash, proof.Hashes, checkpoint.RootHash));
        }

        // The checkpoints receipts carry are the ledger's own.
        var stored = new HashSet<string>(StringComparer.Ordinal);
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync())
        {
            stored.Add(checkpoint.SignedNote);
        }

        Assert.All(receipts, r => Assert.Contains(r.Checkpoint!, stored));
    }

    [Fact]
    public async Task RecordAsync_IncludeProof_CompletesWhenTheCheckpointIntervalAllows()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CheckpointMinInterval = TimeSpan.FromMinutes(5) }, time);
        await recorder.RecordAsync(RecorderFixture.Decision(0));

        Task<RecordReceipt> pending = recorder.RecordAsync(RecorderFixture.Decision(1), includeProof: true).AsTask();
        await recorder.FlushAsync();
        Assert.False(pending.IsCompleted, "the proof came before the interval allowed a new checkpoint");

        time.Advance(TimeSpan.FromMinutes(5));
        RecordReceipt receipt = await pending.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, CheckpointNote.Open(receipt.Checkpoint!, _fixture.Signer.Verifier, Origin).Size);
        Assert.True(receipt.InclusionProof!.Verify(CheckpointNote.Open(receipt.Checkpoint!, _fixture.Signer.Verifier, Origin).RootHash));
    }

    [Fact]
    public async Task RecordAsync_WithoutIncludeProof_ReceiptHasNoCheckpointOrProof()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);

        RecordReceipt receipt = await recorder.RecordAsync(RecorderFixture.Decision(1));

        Assert.Null(receipt.Checkpoint);
        Assert.Null(receipt.InclusionProof);
    }

    [Fact]
    public async Task RecordAsync_IncludeProofAfterReopen_ProvesAgainstTheWholeLedger()
    {
        await using (SqliteLedgerStore store = _fixture.OpenStore())
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store))
        {
            for (int i = 0; i < 700; i++)
            {
                recorder.Record(RecorderFixture.Decision(i));
            }
        }

        await using SqliteLedgerStore reopened = _fixture.OpenStore();
        await using DecisionRecorder again = await _fixture.StartAsync(reopened);
        RecordReceipt receipt = await again.RecordAsync(RecorderFixture.Decision(700), includeProof: true);

        Checkpoint checkpoint = CheckpointNote.Open(receipt.Checkpoint!, _fixture.Signer.Verifier, Origin);
        Assert.Equal(700, receipt.Seq);
        Assert.Equal(701, checkpoint.Size);
        Assert.True(receipt.InclusionProof!.Verify(checkpoint.RootHash));
    }

    [Fact]
    public async Task RecordAsync_IncludeProofWhenTheStoreFails_FailsWithStoreExceptionAndLaterProofsWork()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero, MaxAppendAttempts = 2 });
            await recorder.RecordAsync(RecorderFixture.Decision(0), includeProof: true);
            store.FailNextAppends = 2;

            await Assert.ThrowsAsync<LedgerStoreException>(() => recorder.RecordAsync(RecorderFixture.Decision(1), includeProof: true).AsTask());
            RecordReceipt after = await recorder.RecordAsync(RecorderFixture.Decision(2), includeProof: true);

            Assert.Equal(1, after.Seq);
            Assert.True(after.InclusionProof!.Verify(CheckpointNote.Open(after.Checkpoint!, _fixture.Signer.Verifier, Origin).RootHash));
        }
    }

    public void Dispose() => _fixture.Dispose();
}
