using System.Diagnostics;
using DecisionLedger.Recording;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite.Tests.Recording;

/// <summary><see cref="DecisionRecorder.TryEnqueue"/> and <see cref="DecisionRecorder.EnqueueAsync"/>: accepted into the queue, durable later, failures reported.</summary>
public sealed class EnqueueTests : IDisposable
{
    private const string Origin = "test.local/ledger";
    private readonly RecorderFixture _fixture = new();

    [Fact]
    public async Task TryEnqueueAndEnqueueAsync_Accepted_AreDurableAfterFlushWithoutFailureCallbacks()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store);
        int failures = 0;
        void OnFailure(string requestId, Exception error) => Interlocked.Increment(ref failures);

        Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(0), OnFailure, out string? first));
        string second = await recorder.EnqueueAsync(RecorderFixture.Decision(1), OnFailure);
        await recorder.FlushAsync();

        Assert.Equal(2, await store.GetSizeAsync());
        Assert.NotNull(await store.FindByRequestIdAsync(first));
        Assert.NotNull(await store.FindByRequestIdAsync(second));
        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task TryEnqueue_StoreFailsAfterAcceptance_TellsTheCallbackTheRequestIdAndError()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero, MaxAppendAttempts = 2 });
            store.FailNextAppends = 2;
            var told = new TaskCompletionSource<(string RequestId, Exception Error)>(TaskCreationOptions.RunContinuationsAsynchronously);

            Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(0), (id, error) => told.TrySetResult((id, error)), out string? requestId));
            (string failedId, Exception failure) = await told.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(requestId, failedId);
            Assert.IsType<LedgerStoreException>(failure);
            Assert.Equal(0, await store.GetSizeAsync());
        }
    }

    [Fact]
    public async Task TryEnqueue_ThrowingCallback_DoesNotStopTheRecorder()
    {
        var store = new FailingStore(_fixture.OpenStore());
        await using (store)
        {
            await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, AppendRetryDelay = TimeSpan.Zero, MaxAppendAttempts = 1 });
            store.FailNextAppends = 1;

            Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(0), (_, _) => throw new InvalidOperationException("callback bug"), out _));
            await recorder.FlushAsync();
            RecordReceipt after = await recorder.RecordAsync(RecorderFixture.Decision(1));

            Assert.Equal(0, after.Seq);
        }
    }

    [Fact]
    public async Task EnqueueAsync_QueueFull_WaitsUntilCancelledAndQueuesNothing_ThenTryEnqueueIsFalse()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, QueueCapacity = 1, MaxBatchSize = 1, CheckpointInterval = TimeSpan.FromHours(1) });
        var accepted = new List<string>();

        // A second connection holds the write lock: the committer waits, the builder's hand-off fills, then the queue.
        await using (var locker = new SqliteConnection($"Data Source={_fixture.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync();
            using SqliteTransaction writeLock = locker.BeginTransaction(deferred: false);
            await FillAsync(recorder, accepted);

            // On a busy test host the builder can be descheduled for longer than FillAsync's window
            // and then take one more item: fill again until refused, but only a few times, since a
            // locked store must stall the pipeline after a bounded number of decisions.
            string? refused;
            for (int round = 1; recorder.TryEnqueue(RecorderFixture.Decision(round * 10_000), null, out refused); round++)
            {
                accepted.Add(refused!);
                Assert.True(round < 5, $"the recorder kept accepting decisions while the store was locked ({accepted.Count} so far)");
                await FillAsync(recorder, accepted, first: (round * 10_000) + 1);
            }

            Assert.NotEmpty(accepted);
            Assert.Null(refused);
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recorder.EnqueueAsync(RecorderFixture.Decision(101), null, cancellation.Token).AsTask());
            writeLock.Rollback();
        }

        await recorder.FlushAsync();
        Assert.Equal(accepted.Count, await store.GetSizeAsync());
        foreach (string id in accepted)
        {
            Assert.NotNull(await store.FindByRequestIdAsync(id));
        }
    }

    [Fact]
    public async Task EnqueueAsync_QueueFullWithRejectPolicy_ThrowsQueueFull()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await _fixture.StartAsync(store, new LedgerOptions { Origin = Origin, QueueCapacity = 1, MaxBatchSize = 1, QueueFullPolicy = QueueFullPolicy.Reject, CheckpointInterval = TimeSpan.FromHours(1) });

        await using var locker = new SqliteConnection($"Data Source={_fixture.DatabasePath};Pooling=False");
        await locker.OpenAsync();
        using SqliteTransaction writeLock = locker.BeginTransaction(deferred: false);
        await FillAsync(recorder, []);

        await Assert.ThrowsAsync<LedgerQueueFullException>(() => recorder.EnqueueAsync(RecorderFixture.Decision(100), null).AsTask());
        writeLock.Rollback();
    }

    [Fact]
    public async Task TryEnqueueAndEnqueueAsync_AfterDispose_ThrowObjectDisposed()
    {
        await using SqliteLedgerStore store = _fixture.OpenStore();
        DecisionRecorder recorder = await _fixture.StartAsync(store);
        await recorder.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => recorder.TryEnqueue(RecorderFixture.Decision(0), null, out _));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => recorder.EnqueueAsync(RecorderFixture.Decision(1), null).AsTask());
    }

    public void Dispose() => _fixture.Dispose();

    // Enqueues until the queue has refused everything for a full second: with the store's write lock
    // held elsewhere nothing drains it, so from then on it stays full. (Not a count: the pipeline's depth
    // between queue and store is the recorder's business.)
    private static async Task FillAsync(DecisionRecorder recorder, List<string> accepted, int first = 0)
    {
        long refusingSince = Stopwatch.GetTimestamp();
        for (int i = first; Stopwatch.GetElapsedTime(refusingSince) < TimeSpan.FromSeconds(1); i++)
        {
            if (recorder.TryEnqueue(RecorderFixture.Decision(i), null, out string? id))
            {
                accepted.Add(id);
                refusingSince = Stopwatch.GetTimestamp();
            }
            else
            {
                await Task.Delay(10);
            }
        }
    }
}
