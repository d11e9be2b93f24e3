using System.Collections.Concurrent;
using DecisionLedger.Recording;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Buffer;

/// <summary>
/// The collector's side of the durable buffer: appends prepared (validated, redacted,
/// fingerprinted) decisions to the ledger's Redis stream and, when asked, waits for the
/// sequencer's durable receipt. An id returned by <c>EnqueueAsync</c> means Redis
/// acknowledged the XADD; with <c>appendfsync always</c> that is after the write reached its disk.
/// Thread-safe; one instance per process and ledger.
/// </summary>
public sealed class RedisDecisionBuffer : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly RedisBufferOptions _options;
    private readonly BufferKeys _keys;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<RecordReceipt>> _waiters = new(StringComparer.Ordinal);
    private readonly Lock _subscribeGate = new();
    private Task? _subscribed;

    private RedisDecisionBuffer(ConnectionMultiplexer redis, RedisBufferOptions options, string origin)
    {
        _redis = redis;
        _options = options;
        _keys = new BufferKeys(options.KeyPrefix, origin);
    }

    /// <summary>The stream this buffer appends to.</summary>
    public string StreamKey => _keys.Stream.ToString();

    /// <summary>Connects to Redis; the ledger's receipts are subscribed to when a caller first waits for one.</summary>
    /// <param name="options">Where Redis is; validated here.</param>
    /// <param name="origin">The ledger origin (one stream per ledger).</param>
    /// <returns>The buffer.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static async Task<RedisDecisionBuffer> ConnectAsync(RedisBufferOptions options, string origin)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        options.Validate();
        ConnectionMultiplexer redis = await RedisConnections.ConnectAsync(options).ConfigureAwait(false);
        return new RedisDecisionBuffer(redis, options, origin);
    }

    /// <summary>Appends one decision to the stream; returns once Redis acknowledged it (and <see cref="RedisBufferOptions.MinReplicas"/> replicas did).</summary>
    /// <param name="decision">A prepared decision (<see cref="DecisionPreparer"/>).</param>
    /// <returns>The buffer id: the stream entry id.</returns>
    /// <exception cref="RedisException">Redis is unreachable for longer than the command timeout, or refused the write; the decision is not buffered.</exception>
    public async Task<string> EnqueueAsync(RedactedDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        IDatabase db = _redis.GetDatabase();
        try
        {
            RedisValue id = await db.StreamAddAsync(_keys.Stream, BufferedDecisionCodec.Encode(decision)).ConfigureAwait(false);
            await WaitForReplicasAsync(db).ConfigureAwait(false);
            return id.ToString();
        }
        catch (RedisTimeoutException timeout)
        {
            throw NotAcknowledged(timeout, 1);
        }
    }

    /// <summary>
    /// Appends many decisions in one round trip, as one MULTI/EXEC transaction; returns their buffer
    /// ids in order once all are acknowledged.
    /// </summary>
    /// <remarks>
    /// The transaction is for the server's cost, not atomicity: with <c>appendfsync always</c>
    /// Redis writes and fsyncs its append-only file once per event-loop turn, and a plain pipeline
    /// of ~1.5 KB XADDs is read ~16 KB at a time, so it cost one fsync per ~10 decisions. Queued
    /// commands run together at EXEC: one write and one fsync for the whole batch.
    /// </remarks>
    /// <param name="decisions">Prepared decisions.</param>
    /// <returns>The stream entry ids, in the order of <paramref name="decisions"/>.</returns>
    /// <exception cref="RedisException">Redis is unreachable or refused the batch; none of it is reported as buffered, so retry with the same request ids (a repeat is de-duplicated).</exception>
    public async Task<IReadOnlyList<string>> EnqueueAsync(IReadOnlyList<RedactedDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        if (decisions.Count == 0)
        {
            return [];
        }

        IDatabase db = _redis.GetDatabase();
        var pending = new Task<RedisValue>[decisions.Count];
        ITransaction transaction = db.CreateTransaction();
        for (int i = 0; i < decisions.Count; i++)
        {
            pending[i] = transaction.StreamAddAsync(_keys.Stream, BufferedDecisionCodec.Encode(decisions[i]));
        }

        try
        {
            if (!await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                // Only a transaction with conditions can be refused; this one has none.
                throw new RedisException($"Redis did not run the transaction of {decisions.Count} XADDs; none is buffered.");
            }

            RedisValue[] ids = await Task.WhenAll(pending).ConfigureAwait(false);
            await WaitForReplicasAsync(db).ConfigureAwait(false);
            return [.. ids.Select(id => id.ToString())];
        }
        catch (RedisTimeoutException timeout)
        {
            throw NotAcknowledged(timeout, decisions.Count);
        }
    }

    /// <summary>
    /// Appends one decision and waits up to <paramref name="timeout"/> for the sequencer's receipt
    /// (the decision durable in the ledger).
    /// </summary>
    /// <param name="decision">A prepared decision.</param>
    /// <param name="timeout">How long to wait for the receipt after the decision is buffered.</param>
    /// <param name="cancellationToken">Stops waiting (the decision stays buffered and is recorded).</param>
    /// <returns>The buffer id, and the receipt or null when none arrived in time (the decision is still safely buffered).</returns>
    /// <exception cref="RedisException">The decision could not be buffered.</exception>
    public async Task<(string BufferId, RecordReceipt? Receipt)> EnqueueAndWaitAsync(RedactedDecision decision, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);

        // Subscribed, and the waiter registered, before the XADD, so a fast sequencer's receipt cannot pass unseen.
        try
        {
            await EnsureSubscribedAsync().ConfigureAwait(false);
        }
        catch (RedisTimeoutException timedOut)
        {
            throw NotAcknowledged(timedOut, 1);
        }

        var waiter = new TaskCompletionSource<RecordReceipt>(TaskCreationOptions.RunContinuationsAsynchronously);
        string requestId = decision.RequestId;
        _waiters[requestId] = waiter;
        try
        {
            string id = await EnqueueAsync(decision).ConfigureAwait(false);
            try
            {
                return (id, await waiter.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false));
            }
            catch (TimeoutException)
            {
                return (id, null);
            }
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<RecordReceipt>>(requestId, waiter));
        }
    }

    /// <summary>Disconnects from Redis.</summary>
    public async ValueTask DisposeAsync()
    {
        await _redis.CloseAsync().ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A command timeout (Redis down, or not answering, for longer than <see cref="RedisBufferOptions.CommandTimeout"/>)
    /// is reported as the <see cref="RedisException"/> these methods promise: StackExchange.Redis raises a
    /// <see cref="RedisTimeoutException"/>, a <see cref="TimeoutException"/>, which callers catching
    /// <see cref="RedisException"/> (the collector's 503) would let through as a failure of their own.
    /// </summary>
    private RedisException NotAcknowledged(RedisTimeoutException timeout, int count) =>
        new($"Redis did not acknowledge {(count == 1 ? "the decision" : $"the {count} decisions")} within the command timeout ({_options.CommandTimeout.TotalSeconds:0.#} s): it is unreachable or not answering ({timeout.Message}). Nothing is acknowledged; retry with the same requestId (a repeat is de-duplicated).", timeout);

    private async Task WaitForReplicasAsync(IDatabase db)
    {
        if (_options.MinReplicas == 0)
        {
            return;
        }

        RedisResult acknowledged = await db.ExecuteAsync("WAIT", _options.MinReplicas, (long)_options.CommandTimeout.TotalMilliseconds).ConfigureAwait(false);
        if ((long)acknowledged < _options.MinReplicas)
        {
            throw new RedisException($"Only {(long)acknowledged} of the required {_options.MinReplicas} Redis replicas acknowledged the write within {_options.CommandTimeout.TotalSeconds:0.#} s; the decision is buffered on the primary only. Retry with the same requestId (duplicates are de-duplicated).");
        }
    }

    // A collector nobody waits on never subscribes: every receipts message (~110 bytes per decision,
    // one per sequencer batch) would otherwise be sent to it and parsed, only to be dropped.
    private Task EnsureSubscribedAsync()
    {
        lock (_subscribeGate)
        {
            if (_subscribed is null || _subscribed.IsFaulted || _subscribed.IsCanceled)
            {
                _subscribed = _redis.GetSubscriber().SubscribeAsync(_keys.Receipts, (_, message) => OnReceipts(message));
            }

            return _subscribed;
        }
    }

    // The sequencer publishes one message per batch: NDJSON lines {"requestId","seq","leafHash"}.
    private void OnReceipts(RedisValue message)
    {
        if (_waiters.IsEmpty)
        {
            return;
        }

        foreach (RecordReceipt receipt in ReceiptMessages.Read(message))
        {
            if (_waiters.TryGetValue(receipt.RequestId, out TaskCompletionSource<RecordReceipt>? waiter))
            {
                waiter.TrySetResult(receipt);
            }
        }
    }
}
