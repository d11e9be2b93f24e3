using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Recording;

/// <summary>
/// The recorder's bounded queue and its <see cref="QueueFullPolicy"/>. Producers only
/// <c>TryWrite</c> on the hot path; the single reader is the <see cref="BatchBuilder"/>, which
/// calls <see cref="NotifyRoom"/> after each drain so a synchronous producer held by a full
/// queue wakes without polling. With <see cref="LedgerOptions.EnqueueTimeout"/> set, a producer waits
/// at most that long for room and is then refused, so callers cannot pile up behind a recorder that
/// cannot keep up.
/// </summary>
internal sealed class DecisionQueue
{
    private readonly Channel<QueueItem> _channel;
    private readonly LedgerOptions _options;
    private readonly RecorderMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly object _roomGate = new();
    private int _roomWaiters;
    private volatile bool _closed;

    public DecisionQueue(LedgerOptions options, RecorderMetrics metrics, ILogger logger, TimeProvider time)
    {
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _channel = Channel.CreateBounded<QueueItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    public ChannelReader<QueueItem> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;

    public bool TryAdd(QueueItem item) => _channel.Writer.TryWrite(item);

    /// <summary>
    /// Queues a request for the synchronous API. A full queue rejects (policy Reject) or holds this
    /// thread until the builder makes room (policy Wait): a synchronous caller can only be slowed by
    /// blocking it, and it blocks on a monitor the builder pulses, never on a task that needs the
    /// thread pool to complete.
    /// </summary>
    public void Add(EntryRequest item)
    {
        if (_channel.Writer.TryWrite(item))
        {
            return;
        }

        RejectIfPolicy(item);
        WaitForRoom(item);
    }

    /// <summary>
    /// Queues a request for the asynchronous API: a full queue is waited on (Wait, at most
    /// <see cref="LedgerOptions.EnqueueTimeout"/>) or refused (Reject).
    /// </summary>
    /// <exception cref="LedgerQueueFullException">Refused: policy Reject, or the wait timed out.</exception>
    public ValueTask AddAsync(EntryRequest item, CancellationToken cancellationToken)
    {
        if (_channel.Writer.TryWrite(item))
        {
            return ValueTask.CompletedTask;
        }

        RejectIfPolicy(item);
        return _options.EnqueueTimeout == Timeout.InfiniteTimeSpan
            ? AddWaitingAsync(item, cancellationToken)
            : AddWithinTimeoutAsync(item, cancellationToken);
    }

    /// <summary>Queues an item that must not be refused (events, flushes), waiting for room whatever the policy.</summary>
    public async ValueTask AddWaitingAsync(QueueItem item, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The recorder is shutting down; the decision was not recorded.", ex);
        }
    }

    private async ValueTask AddWithinTimeoutAsync(EntryRequest item, CancellationToken cancellationToken)
    {
        // Only a producer that found the queue full gets here, so the timer costs nothing below saturation.
        using var timeout = new CancellationTokenSource(_options.EnqueueTimeout, _time);
        using CancellationTokenSource? linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token) : null;
        try
        {
            await _channel.Writer.WriteAsync(item, linked?.Token ?? timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(item);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The recorder is shutting down; the decision was not recorded.", ex);
        }
    }

    private LedgerQueueFullException TimedOut(EntryRequest item)
    {
        _metrics.Reject("queue_full");
        RecorderLog.QueueFullRejected(_logger, _options.QueueCapacity, item.RequestId);
        return new LedgerQueueFullException(_options.QueueCapacity, _options.EnqueueTimeout);
    }

    /// <summary>Wakes synchronous producers waiting for room; called by the builder after it drained items.</summary>
    public void NotifyRoom()
    {
        if (Volatile.Read(ref _roomWaiters) > 0)
        {
            lock (_roomGate)
            {
                Monitor.PulseAll(_roomGate);
            }
        }
    }

    /// <summary>Stops accepting items; what is queued is still read.</summary>
    public void Close()
    {
        _closed = true;
        _channel.Writer.TryComplete();
        lock (_roomGate)
        {
            Monitor.PulseAll(_roomGate);
        }
    }

    private void RejectIfPolicy(EntryRequest item)
    {
        if (_options.QueueFullPolicy == QueueFullPolicy.Reject && !_closed)
        {
            _metrics.Reject("queue_full");
            RecorderLog.QueueFullRejected(_logger, _options.QueueCapacity, item.RequestId);
            throw new LedgerQueueFullException(_options.QueueCapacity);
        }
    }

    private void WaitForRoom(EntryRequest item)
    {
        // A drain frees thousands of slots at once: a short spin usually finds room without sleeping.
        var spinner = default(SpinWait);
        while (!spinner.NextSpinWillYield)
        {
            spinner.SpinOnce();
            if (_channel.Writer.TryWrite(item))
            {
                return;
            }
        }

        // A monitor cannot wait on a TimeProvider: the synchronous deadline is on the monotonic clock.
        bool bounded = _options.EnqueueTimeout != Timeout.InfiniteTimeSpan;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();

        // Counted before the retry below, so a drain that follows a failed write always sees a waiter and pulses.
        Interlocked.Increment(ref _roomWaiters);
        try
        {
            lock (_roomGate)
            {
                while (!_channel.Writer.TryWrite(item))
                {
                    if (_closed)
                    {
                        throw new ObjectDisposedException("The recorder is shutting down; the decision was not recorded.");
                    }

                    if (!bounded)
                    {
                        Monitor.Wait(_roomGate);
                        continue;
                    }

                    TimeSpan left = _options.EnqueueTimeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
                    if (left <= TimeSpan.Zero)
                    {
                        throw TimedOut(item);
                    }

                    Monitor.Wait(_roomGate, left);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _roomWaiters);
        }
    }
}
