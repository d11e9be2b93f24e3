using System.Diagnostics.Metrics;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>The recorder pipeline end to end on a real SQLite file.</summary>
public sealed class DecisionRecorderTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task RecordAsync_ReturnsContiguousReceipts_MatchingStoredLeafHashes()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        var receipts = new List<RecordReceipt>();
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store))
        {
            Task<RecordReceipt>[] pending = Enumerable.Range(0, 500).Select(i => recorder.RecordAsync(RecorderFixture.Decision(i)).AsTask()).ToArray();
            receipts.AddRange(await Task.WhenAll(pending));
        }

        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), receipts.Select(r => r.Seq).Order());
        foreach (RecordReceipt receipt in receipts)
        {
            StoredEntry? entry = await store.GetEntryAsync(receipt.Seq);
            Assert.NotNull(entry);
            Assert.Equal(receipt.RequestId, entry.Columns.RequestId);
            Assert.Equal(receipt.LeafHash, MerkleHasher.HashLeaf(entry.CanonicalBytes));
        }
    }

    [Fact]
    public async Task Record_FireAndForget_IsDurableAfterFlush()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        var ids = new List<string>();
        for (int i = 0; i < 1000; i++)
        {
            ids.Add(recorder.Record(RecorderFixture.Decision(i)));
        }

        await recorder.FlushAsync();

        Assert.Equal(1000, await store.GetSizeAsync());
        Assert.Equal(1000, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.NotNull(await store.FindByRequestIdAsync(ids[^1]));
    }

    [Fact]
    public async Task DisposeAsync_DrainsQueueAndWritesFinalCheckpointThatVerifies()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CheckpointEveryEntries = 1_000_000 });
        for (int i = 0; i < 3000; i++)
        {
            recorder.Record(RecorderFixture.Decision(i));
        }

        await recorder.DisposeAsync();

        Assert.Equal(3000, await store.GetSizeAsync());
        StoredCheckpoint? checkpoint = await store.GetLatestCheckpointAsync();
        Assert.NotNull(checkpoint);
        Assert.Equal(3000, checkpoint.TreeSize);
        Checkpoint opened = CheckpointNote.Open(checkpoint.SignedNote, _fixture.Signer.Verifier, Origin);
        Assert.Equal(checkpoint.RootHash, opened.RootHash);

        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(3000, report.EntriesVerified);
    }

    [Fact]
    public async Task RecordAsync_DuplicateRequestId_RejectsOnlyTheDuplicate()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        RecordReceipt first = await recorder.RecordAsync(RecorderFixture.Decision(1, "req-1"));

        var duplicate = await Assert.ThrowsAsync<DuplicateRequestIdException>(() => recorder.RecordAsync(RecorderFixture.Decision(2, "req-1")).AsTask());
        RecordReceipt next = await recorder.RecordAsync(RecorderFixture.Decision(3, "req-3"));

        Assert.Equal("req-1", duplicate.RequestId);
        Assert.Contains("requestId", duplicate.Message, StringComparison.Ordinal);
        Assert.Equal(0, first.Seq);
        Assert.Equal(1, next.Seq);
    }

    [Fact]
    public async Task RecordAsync_DuplicateWithinOneBatch_KeepsTheFirst()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        Task<RecordReceipt> a = recorder.RecordAsync(RecorderFixture.Decision(1, "same")).AsTask();
        Task<RecordReceipt> b = recorder.RecordAsync(RecorderFixture.Decision(2, "same")).AsTask();

        RecordReceipt kept = await a;
        var duplicate = await Assert.ThrowsAsync<DuplicateRequestIdException>(() => b);

        Assert.Equal("same", duplicate.RequestId);
        Assert.Equal(0, kept.Seq);
        Assert.Equal(1, await store.GetSizeAsync());
        StoredEntry? stored = await store.GetEntryAsync(0);
        Assert.NotNull(stored);
        Assert.Equal(kept.LeafHash, MerkleHasher.HashLeaf(stored.CanonicalBytes));
        // Decision 1 (score 0.1) was recorded first and kept; decision 2 (score 0.2) was refused.
        Assert.Contains("\"score\":0.1}", System.Text.Encoding.UTF8.GetString(stored.CanonicalBytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_InvalidDecisionBuiltInCode_ThrowsNamingTheField()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        Decision valid = RecorderFixture.Decision(1);
        Decision noVersion = valid with { Model = valid.Model with { Version = "" } };
        Decision arrayInput = valid with { Input = System.Text.Json.JsonDocument.Parse("[1,2]").RootElement };

        var version = Assert.Throws<DecisionValidationException>(() => recorder.Record(noVersion));
        var input = Assert.Throws<DecisionValidationException>(() => recorder.Record(arrayInput));

        Assert.Equal("model.version", version.Path);
        Assert.Equal("input", input.Path);
        await recorder.FlushAsync();
        Assert.Equal(0, await store.GetSizeAsync());
    }

    [Fact]
    public async Task Recorder_EveryNEntries_WritesCheckpoints()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CheckpointEveryEntries = 100, MaxBatchSize = 50 }))
        {
            for (int i = 0; i < 1000; i++)
            {
                await recorder.RecordAsync(RecorderFixture.Decision(i));
            }
        }

        var checkpoints = new List<StoredCheckpoint>();
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync())
        {
            checkpoints.Add(checkpoint);
        }

        Assert.True(checkpoints.Count >= 10, $"expected a checkpoint per 100 entries, got {checkpoints.Count}");
        Assert.Equal(1000, checkpoints[^1].TreeSize);
        Assert.True(checkpoints.Zip(checkpoints.Skip(1)).All(p => p.First.TreeSize < p.Second.TreeSize));
    }

    [Fact]
    public async Task Recorder_CheckpointInterval_SignsAfterTimePasses()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CheckpointInterval = TimeSpan.FromSeconds(5) }, time);
        await recorder.RecordAsync(RecorderFixture.Decision(1));
        Assert.Null(await store.GetLatestCheckpointAsync());

        time.Advance(TimeSpan.FromSeconds(5));
        StoredCheckpoint? checkpoint = null;
        for (int i = 0; i < 200 && checkpoint is null; i++)
        {
            await recorder.FlushAsync();
            checkpoint = await store.GetLatestCheckpointAsync();
            if (checkpoint is null)
            {
                await Task.Delay(10);
            }
        }

        Assert.NotNull(checkpoint);
        Assert.Equal(1, checkpoint.TreeSize);
        Assert.Equal(time.GetUtcNow(), checkpoint.CreatedAt);
    }

    [Fact]
    public async Task Recorder_AssignsTimestampFromTimeProvider_AtMicrosecondPrecision()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567));
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, time: time);

        RecordReceipt receipt = await recorder.RecordAsync(RecorderFixture.Decision(1));

        StoredEntry? entry = await store.GetEntryAsync(receipt.Seq);
        Assert.Contains("\"timestamp\":\"2026-11-23T12:00:00.123456Z\"", System.Text.Encoding.UTF8.GetString(entry!.CanonicalBytes), StringComparison.Ordinal);
        Assert.Equal(7, Guid.Parse(receipt.RequestId).Version);
    }

    [Fact]
    public async Task Recorder_Reopened_ResumesSeqAndStaysVerifiable()
    {
        await using (SqliteLedgerStore store = _fixture.OpenStore())
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store))
        {
            for (int i = 0; i < 300; i++)
            {
                recorder.Record(RecorderFixture.Decision(i));
            }
        }

        await using SqliteLedgerStore reopened = _fixture.OpenStore();
        await using (DecisionRecorder recorder = await _fixture.StartAsync(reopened))
        {
            RecordReceipt receipt = await recorder.RecordAsync(RecorderFixture.Decision(300));
            Assert.Equal(300, receipt.Seq);
        }

        VerificationReport report = await new LedgerVerifier().VerifyAsync(reopened, _fixture.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
        Assert.Equal(301, report.TreeSize);
    }

    [Fact]
    public async Task Recorder_TransientStoreFailure_RetriesAndLosesNothing()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero });
            store.FailNextAppends = 2;

            RecordReceipt receipt = await recorder.RecordAsync(RecorderFixture.Decision(1));

            Assert.Equal(0, receipt.Seq);
            Assert.Equal(2, store.FailedAppends);
            Assert.Equal(1, await store.GetSizeAsync());
        }
    }

    [Fact]
    public async Task Recorder_PersistentStoreFailure_FailsTheCallersAndRecoversAfterwards()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero, MaxAppendAttempts = 3 });
            await recorder.RecordAsync(RecorderFixture.Decision(0));
            store.FailNextAppends = 3;

            var failure = await Assert.ThrowsAsync<LedgerStoreException>(() => recorder.RecordAsync(RecorderFixture.Decision(1)).AsTask());
            RecordReceipt after = await recorder.RecordAsync(RecorderFixture.Decision(2));

            Assert.Contains("disk is full", failure.Message, StringComparison.Ordinal);
            Assert.Equal(1, after.Seq);
            VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
            Assert.True(report.Passed, report.FirstFinding?.Detail);
        }
    }

    [Fact]
    public async Task Recorder_FailedBatchAmongPipelinedBatches_ReceiptsMatchStoreAndLedgerVerifies()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            var receipts = new List<RecordReceipt>();
            int failed = 0;
            await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, MaxBatchSize = 64, MaxAppendAttempts = 2, AppendRetryDelay = TimeSpan.Zero }))
            {
                var pending = new List<Task<RecordReceipt>>();
                for (int i = 0; i < 3000; i++)
                {
                    if (i == 1000)
                    {
                        store.FailNextAppends = 2;
                    }

                    pending.Add(recorder.RecordAsync(RecorderFixture.Decision(i)).AsTask());
                }

                foreach (Task<RecordReceipt> task in pending)
                {
                    try
                    {
                        receipts.Add(await task);
                    }
                    catch (LedgerStoreException)
                    {
                        failed++;
                    }
                }
            }

            // The failed batch (both attempts) is split and its parts commit; the batches pipelined behind it
            // were built on the lost leaves and are rebuilt: nothing is lost, nothing is out of place.
            // Only a batch of one entry cannot be split; the producer is fast enough that it is rarely one.
            Assert.Equal(2, store.FailedAppends);
            Assert.InRange(failed, 0, 1);
            Assert.Equal(3000 - failed, receipts.Count);
            Assert.Equal(receipts.Count, await store.GetSizeAsync());
            Assert.Equal(Enumerable.Range(0, receipts.Count).Select(i => (long)i), receipts.Select(r => r.Seq).Order());
            foreach (RecordReceipt receipt in receipts)
            {
                StoredEntry? entry = await store.GetEntryAsync(receipt.Seq);
                Assert.Equal(receipt.LeafHash, MerkleHasher.HashLeaf(entry!.CanonicalBytes));
            }

            VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
            Assert.True(report.Passed, report.FirstFinding?.Detail);
        }
    }

    [Fact]
    public async Task Record_QueueFullWithRejectPolicy_ThrowsAndCountsRejection()
    {
        long rejections = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "DecisionLedger" && instrument.Name == "decisionledger.rejections")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref rejections, value));
        listener.Start();

        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions
            {
                Origin = Origin,
                QueueCapacity = 4,
                MaxBatchSize = 1,
                QueueFullPolicy = QueueFullPolicy.Reject,
                AppendRetryDelay = TimeSpan.FromMilliseconds(200),
                MaxAppendAttempts = 10,
            });

            // The store stalls (failing, retrying) so the queue fills behind the first batch.
            store.FailNextAppends = 5;
            int rejected = 0;
            for (int i = 0; i < 50; i++)
            {
                try
                {
                    recorder.Record(RecorderFixture.Decision(i));
                }
                catch (LedgerQueueFullException)
                {
                    rejected++;
                }
            }

            await recorder.FlushAsync();
            Assert.True(rejected > 0);
            Assert.Equal(50 - rejected, await store.GetSizeAsync());
            Assert.True(Interlocked.Read(ref rejections) >= rejected);
        }
    }

    public void Dispose() => _fixture.Dispose();
}
