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

    private RedisDecisionBuffer(ConnectionMultiplexer redis, RedisBufferOptions options, string origin)
    {
        _redis = redis;
        _options = options;
        _keys = new BufferKeys(options.KeyPrefix, origin);
    }

    /// <summary>The stream this buffer appends to.</summary>
    public string StreamKey => _keys.Stream.ToString();

    /// <summary>Connects to Redis and subscribes to the ledger's receipts.</summary>
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
        var buffer = new RedisDecisionBuffer(redis, options, origin);
        await redis.GetSubscriber().SubscribeAsync(buffer._keys.Receipts, (_, message) => buffer.OnReceipts(message)).ConfigureAwait(false);
        return buffer;
    }

    /// <summary>Appends one decision to the stream; returns once Redis acknowledged it (and <see cref="RedisBufferOptions.MinReplicas"/> replicas did).</summary>
    /// <param name="decision">A prepared decision (<see cref="DecisionPreparer"/>).</param>
    /// <returns>The buffer id: the stream entry id.</returns>
    /// <exception cref="RedisException">Redis is unreachable for longer than the command timeout, or refused the write; the decision is not buffered.</exception>
    public async Task<string> EnqueueAsync(RedactedDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        IDatabase db = _redis.GetDatabase();
        RedisValue id = await db.StreamAddAsync(_keys.Stream, BufferedDecisionCodec.Encode(decision)).ConfigureAwait(false);
        await WaitForReplicasAsync(db).ConfigureAwait(false);
        return id.ToString();
    }

    /// <summary>Appends many decisions in one pipelined round trip; returns their buffer ids in order once all are acknowledged.</summary>
    /// <param name="decisions">Prepared decisions.</param>
    /// <returns>The stream entry ids, in the order of <paramref name="decisions"/>.</returns>
    /// <exception cref="RedisException">Redis is unreachable or refused a write; ids that were returned before the failure are not reported, so retry with the same request ids (a repeat is de-duplicated).</exception>
    public async Task<IReadOnlyList<string>> EnqueueAsync(IReadOnlyList<RedactedDecision> decisions)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        IDatabase db = _redis.GetDatabase();
        var pending = new Task<RedisValue>[decisions.Count];
        IBatch batch = db.CreateBatch();
        for (int i = 0; i < decisions.Count; i++)
        {
            pending[i] = batch.StreamAddAsync(_keys.Stream, BufferedDecisionCodec.Encode(decisions[i]));
        }

        batch.Execute();
        RedisValue[] ids = await Task.WhenAll(pending).ConfigureAwait(false);
        await WaitForReplicasAsync(db).ConfigureAwait(false);
        return [.. ids.Select(id => id.ToString())];
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

        // Registered before the XADD, so a fast sequencer's receipt cannot pass unseen.
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
