using DecisionLedger.Hashing;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>
/// Defence in depth for isolation: a group commit the store refuses because of one entry is split, so
/// that entry's caller alone gets the error and every other decision of its batch is recorded.
/// </summary>
public sealed class BatchSplitTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task GroupCommit_OneEntryTheStoreRefuses_FailsAloneAndTheRestOfItsBatchCommits()
    {
        var store = new PoisonedEntryStore(_fixture.OpenStore(), "poison-7");
        await using (store)
        {
            var receipts = new List<RecordReceipt>();
            Exception? poisonFailure = null;
            await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero, MaxAppendAttempts = 3 }))
            {
                List<Task<RecordReceipt>> pending = await QueueBehindHeldBuilderAsync(recorder, store, Enumerable.Range(1, 20).Select(i => i == 7 ? "poison-7" : $"good-{i}"));

                foreach (Task<RecordReceipt> task in pending)
                {
                    try
                    {
                        receipts.Add(await task);
                    }
                    catch (LedgerStoreException ex)
                    {
                        poisonFailure = ex;
                    }
                }
            }

            // The poisoned entry was refused in a batch with the other 19 (three attempts, the retry rule), then alone.
            Assert.Equal([20, 20, 20], store.RefusedBatchSizes.Take(3));
            Assert.Equal(1, store.RefusedBatchSizes[^1]);
            Assert.NotNull(poisonFailure);
            Assert.Contains("cannot be stored", poisonFailure.Message, StringComparison.Ordinal);
            Assert.Equal(20, receipts.Count);
            Assert.DoesNotContain(receipts, receipt => receipt.RequestId == "poison-7");
            await AssertReceiptsMatchStoreAndLedgerVerifiesAsync(store, receipts);
        }
    }

    [Fact]
    public async Task GroupCommit_TwoRefusedEntries_OnlyThoseTwoFail()
    {
        var store = new PoisonedEntryStore(_fixture.OpenStore(), "good-3", "good-60");
        await using (store)
        {
            var receipts = new List<RecordReceipt>();
            var failed = new List<string>();
            await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero, MaxAppendAttempts = 2 }))
            {
                string[] ids = Enumerable.Range(1, 64).Select(i => $"good-{i}").ToArray();
                List<Task<RecordReceipt>> pending = await QueueBehindHeldBuilderAsync(recorder, store, ids);
                for (int i = 0; i < pending.Count; i++)
                {
                    try
                    {
                        receipts.Add(await pending[i]);
                    }
                    catch (LedgerStoreException)
                    {
                        failed.Add(i == 0 ? "first" : ids[i - 1]);
                    }
                }
            }

            Assert.Equal(["good-3", "good-60"], failed);
            Assert.Equal(63, receipts.Count);
            await AssertReceiptsMatchStoreAndLedgerVerifiesAsync(store, receipts);
        }
    }

    [Fact]
    public async Task GroupCommit_RefusedEntryInFireAndForgetBatchAtShutdown_OthersAreDrainedAndRecorded()
    {
        var store = new PoisonedEntryStore(_fixture.OpenStore(), "poison");
        await using (store)
        {
            var told = new List<string>();
            await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero, MaxAppendAttempts = 1 }))
            {
                store.HoldNextLookup();
                Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(0, "first"), (id, _) => { lock (told) { told.Add(id); } }, out _));
                await store.LookupHeld.WaitAsync(TimeSpan.FromSeconds(30));
                for (int i = 1; i <= 10; i++)
                {
                    string id = i == 5 ? "poison" : $"good-{i}";
                    Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(i, id), (failedId, _) => { lock (told) { told.Add(failedId); } }, out _));
                }

                store.ReleaseLookup();

                // Disposing drains the queue: the split must happen before the final checkpoint, not be lost.
            }

            Assert.Equal(["poison"], told);
            Assert.Equal(10, await store.GetSizeAsync());
            VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
            Assert.True(report.Passed, report.FirstFinding?.Detail);
            StoredCheckpoint? latest = await store.GetLatestCheckpointAsync();
            Assert.Equal(10, latest?.TreeSize);
        }
    }

    // Holds the builder inside its duplicate look-up for a first decision, queues the rest behind it, then
    // lets it go: the rest are drained together, into one batch, deterministically.
    private static async Task<List<Task<RecordReceipt>>> QueueBehindHeldBuilderAsync(DecisionRecorder recorder, PoisonedEntryStore store, IEnumerable<string> requestIds)
    {
        store.HoldNextLookup();
        var pending = new List<Task<RecordReceipt>> { recorder.RecordAsync(RecorderFixture.Decision(0, "first")).AsTask() };
        await store.LookupHeld.WaitAsync(TimeSpan.FromSeconds(30));
        int i = 1;
        foreach (string id in requestIds)
        {
            pending.Add(recorder.RecordAsync(RecorderFixture.Decision(i++, id)).AsTask());
        }

        store.ReleaseLookup();
        return pending;
    }

    private async Task AssertReceiptsMatchStoreAndLedgerVerifiesAsync(ILedgerStore store, List<RecordReceipt> receipts)
    {
        Assert.Equal(receipts.Count, await store.GetSizeAsync());
        Assert.Equal(Enumerable.Range(0, receipts.Count).Select(i => (long)i), receipts.Select(r => r.Seq).Order());
        foreach (RecordReceipt receipt in receipts)
        {
            StoredEntry? entry = await store.GetEntryAsync(receipt.Seq);
            Assert.NotNull(entry);
            Assert.Equal(receipt.RequestId, entry.Columns.RequestId);
            Assert.Equal(receipt.LeafHash, MerkleHasher.HashLeaf(entry.CanonicalBytes));
        }

        VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
        Assert.True(report.Passed, report.FirstFinding?.Detail);
    }

    public void Dispose() => _fixture.Dispose();

    /// <summary>
    /// The real SQLite store, except that any batch holding one of the poisoned request ids is refused, as a
    /// store refuses an entry it cannot encode; and the builder's next duplicate look-up can be held.
    /// </summary>
    private sealed class PoisonedEntryStore(ILedgerStore inner, params string[] poisoned) : DelegatingLedgerStore(inner)
    {
        private readonly HashSet<string> _poisoned = new(poisoned, StringComparer.Ordinal);
        private TaskCompletionSource _lookupHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        /// <summary>The sizes of the batches refused, in order.</summary>
        public List<int> RefusedBatchSizes { get; } = [];

        /// <summary>Completes once the held look-up has started.</summary>
        public Task LookupHeld => _lookupHeld.Task;

        public void HoldNextLookup()
        {
            _lookupHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _armed, 1);
        }

        public void ReleaseLookup() => _gate.TrySetResult();

        public override async ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _lookupHeld.TrySetResult();
                await _gate.Task.WaitAsync(cancellationToken);
            }

            return await Inner.FindExistingRequestIdsAsync(requestIds, cancellationToken);
        }

        public override ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
        {
            if (batch.Entries.Any(entry => _poisoned.Contains(entry.Columns.RequestId)))
            {
                lock (RefusedBatchSizes)
                {
                    RefusedBatchSizes.Add(batch.Entries.Count);
                }

                throw new LedgerStoreException("injected failure: an entry of this batch cannot be stored");
            }

            return Inner.AppendAsync(batch, cancellationToken);
        }

    }
}
