using System.Diagnostics.Metrics;
using DecisionLedger.Randomness;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace DecisionLedger.Tests.RecorderQueue;

/// <summary>
/// <see cref="LedgerOptions.EnqueueTimeout"/>: a producer waits for room in a full queue at most that long on the
/// recorder's clock, then is refused (nothing queued) and counted as <c>queue_full</c>. The queue here has no
/// reader, so "full" lasts exactly as long as the test says; the clock is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class DecisionQueueTimeoutTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecorderMetrics _metrics = new(null, () => 0);
    private readonly DecisionRequestFactory _requests;

    public DecisionQueueTimeoutTests() => _requests = new DecisionRequestFactory(_time, new SeededRandomSource(12));

    [Fact]
    public async Task AddAsync_QueueFullPastEnqueueTimeout_ThrowsQueueFull_NothingQueued_CountedQueueFull()
    {
        DecisionQueue queue = Queue(TimeSpan.FromSeconds(2));
        Assert.True(queue.TryAdd(Request()));
        long counted = 0;
        using var listener = QueueFullListener(() => Interlocked.Increment(ref counted));

        ValueTask waiting = queue.AddAsync(Request(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        LedgerQueueFullException refused = await Assert.ThrowsAsync<LedgerQueueFullException>(async () => await waiting);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.Waited);
        Assert.Contains("EnqueueTimeout", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1, queue.Count);
        Assert.Equal(1, Interlocked.Read(ref counted));
    }

    [Fact]
    public async Task AddAsync_RoomBeforeEnqueueTimeout_IsQueued_NotRefusedLater()
    {
        DecisionQueue queue = Queue(TimeSpan.FromSeconds(2));
        Assert.True(queue.TryAdd(Request()));
        DecisionRequest second = Request();

        ValueTask waiting = queue.AddAsync(second, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(queue.Reader.TryRead(out _));
        await waiting;
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.True(queue.Reader.TryRead(out QueueItem? item));
        Assert.Same(second, item);
    }

    [Fact]
    public void LedgerOptions_EnqueueTimeoutZero_IsRefusedNamingTheOption()
    {
        var exception = Assert.Throws<ArgumentException>(() => new LedgerOptions { EnqueueTimeout = TimeSpan.Zero }.Validate());
        Assert.StartsWith("LedgerOptions.EnqueueTimeout:", exception.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _requests.Dispose();
        _metrics.Dispose();
    }

    private MeterListener QueueFullListener(Action onQueueFull)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // This queue's own counter only: other tests' recorders publish the same instrument name.
                if (ReferenceEquals(instrument, _metrics.Rejections))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "reason" && (string?)tag.Value == "queue_full")
                {
                    for (long i = 0; i < value; i++)
                    {
                        onQueueFull();
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }

    private DecisionQueue Queue(TimeSpan enqueueTimeout) =>
        new(new LedgerOptions { QueueCapacity = 1, EnqueueTimeout = enqueueTimeout }, _metrics, NullLogger.Instance, _time);

    private DecisionRequest Request() => _requests.Create(DecisionParser.Default.Parse(Some.ExampleDecisionUtf8()), awaited: true, includeProof: false, onFailure: null);
}
