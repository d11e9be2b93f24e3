using System.Diagnostics;
using System.Diagnostics.Metrics;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
using DecisionLedger.Redis.Buffer;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Sequencing;

/// <summary>
/// Moves buffered decisions from the ledger's Redis stream into the ledger: reads through the
/// consumer group (XREADGROUP), records each read batch through the recorder (one group commit),
/// and acknowledges (XACK, then XDEL) only entries whose decision is durable. Entries left
/// pending by a dead consumer are claimed (XAUTOCLAIM); a redelivered decision is recognised by
/// its request id and acknowledged without being recorded twice; an entry that cannot be read
/// or recorded goes to the dead-letter stream with the reason. Exactly one sequencer may run per
/// ledger: run it under <see cref="LeaderElectedSequencer"/>.
/// </summary>
public sealed class DecisionSequencer : IDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisBufferOptions _options;
    private readonly BufferKeys _keys;
    private readonly string _consumer;
    private readonly DecisionRecorder _recorder;
    private readonly ILedgerStore _store;
    private readonly ILogger _logger;
    private readonly SequencerMetrics _metrics;
    private RedisValue _claimCursor = "0-0";
    private long _nextClaim;
    private long _recorded;
    private long _deadLettered;
    private long _redelivered;

    /// <summary>Creates a sequencer over an open recorder and its store.</summary>
    /// <param name="redis">The connection to the buffer's Redis.</param>
    /// <param name="options">Buffer options; validated here.</param>
    /// <param name="origin">The ledger origin: which stream to read.</param>
    /// <param name="consumerName">This process's consumer name in the group, unique per process (e.g. host-pid).</param>
    /// <param name="recorder">The ledger's recorder; this sequencer must be its only writer.</param>
    /// <param name="store">The recorder's store, to look up receipts of redelivered decisions.</param>
    /// <param name="logger">Logging; default none.</param>
    /// <param name="meterFactory">Metrics; default a standalone <c>DecisionLedger</c> meter.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public DecisionSequencer(
        IConnectionMultiplexer redis,
        RedisBufferOptions options,
        string origin,
        string consumerName,
        DecisionRecorder recorder,
        ILedgerStore store,
        ILogger? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(origin);
        ArgumentException.ThrowIfNullOrEmpty(consumerName);
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(store);
        options.Validate();
        _redis = redis;
        _options = options;
        _keys = new BufferKeys(options.KeyPrefix, origin);
        _consumer = consumerName;
        _recorder = recorder;
        _store = store;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new SequencerMetrics(meterFactory);
    }

    /// <summary>Decisions this sequencer recorded.</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Stream entries this sequencer moved to the dead-letter stream.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Stream entries whose decision was already in the ledger (redeliveries), acknowledged without recording.</summary>
    public long Redelivered => Interlocked.Read(ref _redelivered);

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> is cancelled (e.g. leadership lost). Failures of
    /// Redis or the store are logged and retried: what was not acknowledged stays pending and is
    /// read again.
    /// </summary>
    /// <param name="stoppingToken">Stops the loop; no new batch is submitted once it is cancelled.</param>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        SequencerLog.Started(_logger, _consumer, _keys.Stream.ToString(), _options.ConsumerGroup);
        bool groupReady = false;
        bool readOwnPending = true;

        // One read batch may be in flight while the next is read and queued, so the recorder builds
        // batch N+1 while the store commits batch N. Own-pending reads and claims wait for it: they
        // would return its entries, which are read but not yet acknowledged.
        Task? inFlight = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupReady)
                {
                    await EnsureGroupAsync().ConfigureAwait(false);
                    groupReady = true;
                }

                StreamEntry[] entries;
                if (readOwnPending)
                {
                    // After a start or a failure: first what this consumer read but did not acknowledge.
                    await DrainAsync(Take(ref inFlight)).ConfigureAwait(false);
                    entries = await ReadAsync("0-0").ConfigureAwait(false);
                    readOwnPending = entries.Length > 0;
                }
                else if (Stopwatch.GetTimestamp() >= _nextClaim)
                {
                    await DrainAsync(Take(ref inFlight)).ConfigureAwait(false);
                    entries = await ClaimAsync().ConfigureAwait(false);
                }
                else
                {
                    entries = await ReadAsync(StreamPosition.NewMessages).ConfigureAwait(false);
                }

                if (entries.Length == 0)
                {
                    if (inFlight is not null)
                    {
                        await DrainAsync(Take(ref inFlight)).ConfigureAwait(false);
                        continue;
                    }

                    await Task.Delay(_options.IdlePollInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                // ProcessAsync queues the whole batch with the recorder before its first await.
                Task? previous = Take(ref inFlight);
                inFlight = ProcessAsync(entries);
                await DrainAsync(previous).ConfigureAwait(false);
                if (readOwnPending)
                {
                    // Own-pending entries are re-read one batch at a time until none are left.
                    await DrainAsync(Take(ref inFlight)).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                SequencerLog.IterationFailed(_logger, ex);
                readOwnPending = true;
                groupReady = false;
                await DrainQuietlyAsync(Take(ref inFlight)).ConfigureAwait(false);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // What is in flight at shutdown finishes (acknowledged or left pending), never abandoned mid-way.
        await DrainQuietlyAsync(inFlight).ConfigureAwait(false);
        SequencerLog.Stopped(_logger, _consumer);
    }

    /// <inheritdoc />
    public void Dispose() => _metrics.Dispose();

    // Awaits a batch in flight; a failure surfaces here and is handled like one of the current batch.
    private static Task DrainAsync(Task? inFlight) => inFlight ?? Task.CompletedTask;

    // Hands over the batch in flight and clears the slot, so a failed batch is awaited only once.
    private static Task? Take(ref Task? inFlight)
    {
        Task? taken = inFlight;
        inFlight = null;
        return taken;
    }

    // After a failure or at shutdown: what it did not acknowledge stays pending and is read again.
    private async Task DrainQuietlyAsync(Task? inFlight)
    {
        try
        {
            await DrainAsync(inFlight).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            SequencerLog.IterationFailed(_logger, ex);
        }
    }

    private async Task EnsureGroupAsync()
    {
        try
        {
            await _redis.GetDatabase().StreamCreateConsumerGroupAsync(_keys.Stream, _options.ConsumerGroup, StreamPosition.Beginning, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists: the normal case after the first start.
        }
    }

    private Task<StreamEntry[]> ReadAsync(RedisValue position) =>
        _redis.GetDatabase().StreamReadGroupAsync(_keys.Stream, _options.ConsumerGroup, _consumer, position, _options.ReadBatchSize);

    private async Task<StreamEntry[]> ClaimAsync()
    {
        StreamAutoClaimResult result = await _redis.GetDatabase().StreamAutoClaimAsync(
            _keys.Stream,
            _options.ConsumerGroup,
            _consumer,
            (long)_options.ClaimMinIdle.TotalMilliseconds,
            _claimCursor,
            _options.ReadBatchSize).ConfigureAwait(false);
        _claimCursor = result.NextStartId;
        if (result.NextStartId == "0-0")
        {
            // A full pass over the pending list: look again after a fraction of the idle time.
            _nextClaim = Stopwatch.GetTimestamp() + (long)(_options.ClaimMinIdle.TotalSeconds / 4 * Stopwatch.Frequency);
        }

        StreamEntry[] claimed = result.ClaimedEntries ?? [];
        if (claimed.Length > 0)
        {
            _metrics.Claimed.Add(claimed.Length);
            SequencerLog.Claimed(_logger, claimed.Length, (long)_options.ClaimMinIdle.TotalMilliseconds);
        }

        return claimed;
    }

    private async Task ProcessAsync(StreamEntry[] entries)
    {
        var submitted = new List<(StreamEntry Entry, RedactedDecision Decision, Task<RecordReceipt> Receipt)>(entries.Length);
        var dead = new List<(StreamEntry Entry, string Reason)>();
        foreach (StreamEntry entry in entries)
        {
            RedactedDecision decision;
            try
            {
                decision = BufferedDecisionCodec.Decode(entry);
            }
            catch (BufferedDecisionFormatException ex)
            {
                dead.Add((entry, ex.Message));
                continue;
            }

            // All of the read batch is queued before any is awaited: the recorder commits it as one group.
            submitted.Add((entry, decision, _recorder.RecordAsync(decision, CancellationToken.None).AsTask()));
        }

        var acknowledged = new List<RedisValue>(entries.Length);
        var receipts = new List<RecordReceipt>(submitted.Count);
        Exception? failure = null;
        foreach ((StreamEntry entry, RedactedDecision decision, Task<RecordReceipt> pending) in submitted)
        {
            try
            {
                receipts.Add(await pending.ConfigureAwait(false));
                acknowledged.Add(entry.Id);
                Interlocked.Increment(ref _recorded);
            }
            catch (DuplicateRequestIdException)
            {
                // Redelivered after a crash between commit and XACK, or sent twice: recorded once, acknowledged here.
                StoredEntry? existing = await _store.FindByRequestIdAsync(decision.RequestId).ConfigureAwait(false);
                if (existing is null)
                {
                    // Its twin in this batch failed to commit: leave it pending, it is retried.
                    failure ??= new LedgerStoreException($"Decision {decision.RequestId} was neither recorded nor found; it stays pending and is retried.");
                    continue;
                }

                SequencerLog.Redelivered(_logger, decision.RequestId);
                _metrics.Redelivered.Add(1);
                Interlocked.Increment(ref _redelivered);
                receipts.Add(new RecordReceipt(existing.Seq, decision.RequestId, existing.LeafHash));
                acknowledged.Add(entry.Id);
            }
            catch (Exception ex) when (ex is DecisionValidationException or RedactionException or ArgumentException or FormatException)
            {
                // The content itself cannot become an entry: retrying cannot help.
                dead.Add((entry, $"requestId {decision.RequestId}: {ex.Message}"));
            }
            catch (Exception ex)
            {
                // Store failure or shutdown: not acknowledged, so it is read again and recorded later.
                failure ??= ex;
            }
        }

        IDatabase db = _redis.GetDatabase();
        if (dead.Count > 0)
        {
            await DeadLetterAsync(db, dead).ConfigureAwait(false);
        }

        if (acknowledged.Count > 0)
        {
            RedisValue[] ids = [.. acknowledged];

            // One round trip: Redis runs a connection's commands in order, so XACK (these decisions
            // are durable in the ledger), then XDEL (the stream holds only what is in flight), then
            // the receipts for waiting collectors.
            IBatch pipeline = db.CreateBatch();
            Task<long> acked = pipeline.StreamAcknowledgeAsync(_keys.Stream, _options.ConsumerGroup, ids);
            Task<long> deleted = pipeline.StreamDeleteAsync(_keys.Stream, ids);
            Task<long> published = pipeline.PublishAsync(_keys.Receipts, ReceiptMessages.Write(receipts));
            pipeline.Execute();
            await Task.WhenAll(acked, deleted, published).ConfigureAwait(false);
            _metrics.Acknowledged.Add(ids.Length);
        }

        if (failure is not null)
        {
            throw new LedgerStoreException($"{submitted.Count - acknowledged.Count} buffered decisions were not recorded and stay pending: {failure.Message}", failure);
        }
    }

    private async Task DeadLetterAsync(IDatabase db, List<(StreamEntry Entry, string Reason)> dead)
    {
        foreach ((StreamEntry entry, string reason) in dead)
        {
            SequencerLog.DeadLettered(_logger, entry.Id.ToString(), reason);
            NameValueEntry[] original = entry.Values ?? [];
            var fields = new NameValueEntry[original.Length + 3];
            fields[0] = new NameValueEntry("reason", reason);
            fields[1] = new NameValueEntry("sourceId", entry.Id);
            fields[2] = new NameValueEntry("sourceStream", _keys.Stream.ToString());
            original.CopyTo(fields, 3);

            // Copy and acknowledge atomically: the entry is in exactly one of the two streams' live sets.
            ITransaction transaction = db.CreateTransaction();
            _ = transaction.StreamAddAsync(_keys.DeadLetters, fields);
            _ = transaction.StreamAcknowledgeAsync(_keys.Stream, _options.ConsumerGroup, entry.Id);
            _ = transaction.StreamDeleteAsync(_keys.Stream, [entry.Id]);
            if (!await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                throw new RedisException($"Moving stream entry {entry.Id} to the dead-letter stream did not commit; it stays pending.");
            }

            _metrics.DeadLettered.Add(1);
            Interlocked.Increment(ref _deadLettered);
        }
    }
}
