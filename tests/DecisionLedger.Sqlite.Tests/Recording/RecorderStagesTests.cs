using System.Diagnostics;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary>The stages' timing rules: commit linger, flush, per-commit checkpoints and their rate limit, queue back-pressure.</summary>
public sealed class RecorderStagesTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task CommitLinger_DecisionsArrivingWithinTheWindow_ShareOneCommit()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CommitLinger = TimeSpan.FromMilliseconds(500) });

            Task<RecordReceipt> first = recorder.RecordAsync(RecorderFixture.Decision(0)).AsTask();
            await Task.Delay(30);
            Task<RecordReceipt>[] rest = Enumerable.Range(1, 9).Select(i => recorder.RecordAsync(RecorderFixture.Decision(i)).AsTask()).ToArray();
            await Task.WhenAll(rest.Append(first));

            AppendBatch batch = Assert.Single(store.Appended);
            Assert.Equal(10, batch.Entries.Count);
        }
    }

    [Fact]
    public async Task CommitLinger_Zero_CommitsWithoutWaiting()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CommitLinger = TimeSpan.Zero });

            await recorder.RecordAsync(RecorderFixture.Decision(0));
            await recorder.RecordAsync(RecorderFixture.Decision(1));

            Assert.Equal(2, store.Appended.Count);
        }
    }

    [Fact]
    public async Task FlushAsync_DuringALongLinger_CommitsAtOnce()
    {
        // That the flush cuts the window short, rather than outwaiting it, is shown without a clock
        // in CommitLingerTests (a window of an hour); here, that the recorder's flush commits.
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CommitLinger = TimeSpan.FromSeconds(1) });

        recorder.Record(RecorderFixture.Decision(0));
        await recorder.FlushAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, await store.GetSizeAsync());
    }

    [Fact]
    public async Task Recorder_MinIntervalZero_WritesEachCheckpointInItsBatchTransaction()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CheckpointMinInterval = TimeSpan.Zero, MaxBatchSize = 16 }))
            {
                Task<RecordReceipt>[] pending = Enumerable.Range(0, 200).Select(i => recorder.RecordAsync(RecorderFixture.Decision(i)).AsTask()).ToArray();
                await Task.WhenAll(pending);
            }

            Assert.NotEmpty(store.Appended);
            foreach (AppendBatch batch in store.Appended)
            {
                // The checkpoint rides in the batch's own transaction and covers exactly its end.
                Assert.NotNull(batch.Checkpoint);
                Assert.Equal(batch.Entries[^1].Seq + 1, batch.Checkpoint.TreeSize);
            }

            Assert.Equal(0, store.StandaloneCheckpoints);
            VerificationReport report = await new LedgerVerifier().VerifyAsync(store, _fixture.Signer.Verifier, Origin);
            Assert.True(report.Passed, report.FirstFinding?.Detail);
        }
    }

    [Fact]
    public async Task Recorder_CheckpointMinInterval_SignsAtMostOncePerIntervalAndCoversWhenItEnds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 1, 0, 0, TimeSpan.Zero));
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CheckpointMinInterval = TimeSpan.FromSeconds(1) }, time);

        for (int i = 0; i < 5; i++)
        {
            await recorder.RecordAsync(RecorderFixture.Decision(i));
        }

        Assert.Null(await store.GetLatestCheckpointAsync());

        // The timer armed by the first uncovered batch fires when the interval allows.
        time.Advance(TimeSpan.FromSeconds(1));
        StoredCheckpoint first = await WaitForCheckpointAsync(store, recorder, 5);

        for (int i = 5; i < 8; i++)
        {
            await recorder.RecordAsync(RecorderFixture.Decision(i));
        }

        Assert.Equal(5, (await store.GetLatestCheckpointAsync())!.TreeSize);
        time.Advance(TimeSpan.FromSeconds(1));
        StoredCheckpoint second = await WaitForCheckpointAsync(store, recorder, 8);

        Assert.Equal(TimeSpan.FromSeconds(1), second.CreatedAt - first.CreatedAt);
        Assert.Equal(2, await CountCheckpointsAsync(store));
    }

    [Fact]
    public async Task Recorder_SteadyLoadWithRealClock_CheckpointsRespectTheRateLimitAndCoverEveryEntry()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        long recorded;
        await using (DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, CheckpointMinInterval = TimeSpan.FromMilliseconds(100) }))
        {
            // Steady load for at least 800 ms and until three checkpoints exist (at most 10 s): on a
            // busy test host a Task.Delay continuation can stall for most of a fixed 800 ms window.
            var clock = Stopwatch.StartNew();
            int i = 0;
            while (clock.Elapsed < TimeSpan.FromMilliseconds(800) || (await CountCheckpointsAsync(store) < 3 && clock.Elapsed < TimeSpan.FromSeconds(10)))
            {
                recorder.Record(RecorderFixture.Decision(i++));
                await Task.Delay(1);
            }

            await recorder.FlushAsync();
            recorded = recorder.DurableSize;

            // Covered within the interval of the last commit, without the shutdown checkpoint.
            StoredCheckpoint covering = await WaitForCheckpointAsync(store, recorder, recorded);
            Assert.Equal(recorded, covering.TreeSize);
        }

        var checkpoints = new List<StoredCheckpoint>();
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync())
        {
            checkpoints.Add(checkpoint);
        }

        Assert.True(checkpoints.Count >= 3, $"expected several checkpoints over 800 ms, got {checkpoints.Count}: " + string.Join(", ", checkpoints.Select(c => $"{c.TreeSize}@{c.CreatedAt:HH:mm:ss.fff}")) + $"; recorded {recorded}");
        foreach ((StoredCheckpoint earlier, StoredCheckpoint later) in checkpoints.Zip(checkpoints.Skip(1)))
        {
            Assert.True(later.CreatedAt - earlier.CreatedAt >= TimeSpan.FromMilliseconds(99), $"checkpoints at {earlier.CreatedAt:O} and {later.CreatedAt:O}");
        }
    }

    [Fact]
    public async Task Record_QueueFullWithWaitPolicy_HoldsTheCallerUntilRoomAndLosesNothing()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            using var gate = new SemaphoreSlim(0);
            store.Gate = gate;
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, QueueCapacity = 4, MaxBatchSize = 1, CommitLinger = TimeSpan.Zero });

            Task producer = Task.Factory.StartNew(
                () =>
                {
                    for (int i = 0; i < 20; i++)
                    {
                        recorder.Record(RecorderFixture.Decision(i));
                    }
                },
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);

            await Task.Delay(300);
            Assert.False(producer.IsCompleted, "Record() should wait for room while the store is stalled");

            gate.Release(1000);
            await producer.WaitAsync(TimeSpan.FromSeconds(30));
            await recorder.FlushAsync();
            Assert.Equal(20, await store.GetSizeAsync());
        }
    }

    [Fact]
    public void LedgerOptions_NegativeOrHugeLinger_IsRejectedNamingTheOption()
    {
        var tooLong = new LedgerOptions { CommitLinger = TimeSpan.FromSeconds(2) };
        var negative = new LedgerOptions { CheckpointMinInterval = TimeSpan.FromMilliseconds(-1) };

        Assert.Contains("CommitLinger", Assert.Throws<ArgumentException>(tooLong.Validate).Message, StringComparison.Ordinal);
        Assert.Contains("CheckpointMinInterval", Assert.Throws<ArgumentException>(negative.Validate).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _fixture.Dispose();

    private static async Task<StoredCheckpoint> WaitForCheckpointAsync(ILedgerStore store, DecisionRecorder recorder, long treeSize)
    {
        for (int i = 0; i < 300; i++)
        {
            await recorder.FlushAsync();
            if (await store.GetLatestCheckpointAsync() is { } checkpoint && checkpoint.TreeSize >= treeSize)
            {
                return checkpoint;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"no checkpoint covered {treeSize} entries");
    }

    private static async Task<int> CountCheckpointsAsync(ILedgerStore store)
    {
        int count = 0;
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync())
        {
            count++;
        }

        return count;
    }
}
