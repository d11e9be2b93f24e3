using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;

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
        var builderHeld = new HeldRedactor();
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await StartAsync(store, builderHeld, QueueFullPolicy.Wait);
        using HeldRedactor releasedFirst = builderHeld;

        // The builder takes the first decision and stops inside it; the second fills the one-slot queue.
        Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(0), null, out string? first));
        await builderHeld.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(1), null, out string? second));
        Assert.False(recorder.TryEnqueue(RecorderFixture.Decision(2), null, out _));

        using var cancellation = new CancellationTokenSource();
        Task<string> waiting = recorder.EnqueueAsync(RecorderFixture.Decision(3), null, cancellation.Token).AsTask();
        Assert.False(waiting.IsCompleted, "EnqueueAsync returned although the queue was full and nothing drained it");
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        // The cancelled wait took no slot: the queue is still full.
        Assert.False(recorder.TryEnqueue(RecorderFixture.Decision(4), null, out _));

        builderHeld.Release();
        await recorder.FlushAsync();
        Assert.Equal(2, await store.GetSizeAsync());
        Assert.NotNull(await store.FindByRequestIdAsync(first));
        Assert.NotNull(await store.FindByRequestIdAsync(second));
    }

    [Fact]
    public async Task EnqueueAsync_QueueFullWithRejectPolicy_ThrowsQueueFull()
    {
        var builderHeld = new HeldRedactor();
        await using SqliteLedgerStore store = _fixture.OpenStore();
        await using DecisionRecorder recorder = await StartAsync(store, builderHeld, QueueFullPolicy.Reject);
        using HeldRedactor releasedFirst = builderHeld;

        Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(0), null, out _));
        await builderHeld.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(recorder.TryEnqueue(RecorderFixture.Decision(1), null, out _));

        await Assert.ThrowsAsync<LedgerQueueFullException>(() => recorder.EnqueueAsync(RecorderFixture.Decision(100), null).AsTask());

        builderHeld.Release();
        await recorder.FlushAsync();
        Assert.Equal(2, await store.GetSizeAsync());
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

    // One-slot queue, one decision per batch: while the builder is held inside a decision, the
    // queue holds exactly one more and nothing drains it, whatever the scheduler does.
    private ValueTask<DecisionRecorder> StartAsync(SqliteLedgerStore store, HeldRedactor redactor, QueueFullPolicy policy) =>
        DecisionRecorder.StartAsync(
            store,
            _fixture.Signer,
            _fixture.Fingerprinter,
            new LedgerOptions { Origin = Origin, QueueCapacity = 1, MaxBatchSize = 1, QueueFullPolicy = policy, CheckpointInterval = TimeSpan.FromHours(1) },
            random: new SeededRandomSource(7),
            redactor: redactor);

    /// <summary>
    /// Holds the builder inside the first decision it builds (the redactor runs on the builder's own
    /// task) until released, and says when it got there: an explicit signal instead of a wait for a
    /// pipeline of unknown depth to fill.
    /// </summary>
    private sealed class HeldRedactor : IRedactor, IDisposable
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public RedactionResult Redact(Decision decision)
        {
            _entered.TrySetResult();
            _released.Task.Wait();
            return NoRedaction.Instance.Redact(decision);
        }

        public void Release() => _released.TrySetResult();

        public void Dispose()
        {
            // Disposed before the recorder: a failed assertion must not leave the builder blocked, or disposing the recorder would hang.
            _released.TrySetResult();
        }
    }
}
