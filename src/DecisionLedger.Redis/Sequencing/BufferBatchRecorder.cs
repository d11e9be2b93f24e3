using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Redis.Buffer;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace DecisionLedger.Redis.Sequencing;

/// <summary>
/// Records one read batch of stream entries through the recorder (one group commit) and then
/// settles each entry: acknowledged and deleted once its decision is durable (or found already
/// recorded), moved to the dead-letter stream when its content can never become an entry, left
/// pending otherwise so it is read again.
/// </summary>
internal sealed class BufferBatchRecorder(
    IConnectionMultiplexer redis,
    RedisBufferOptions options,
    BufferKeys keys,
    DecisionRecorder recorder,
    ILedgerStore store,
    SequencerMetrics metrics,
    ILogger logger)
{
    private long _recorded;
    private long _deadLettered;
    private long _redelivered;

    public long Recorded => Interlocked.Read(ref _recorded);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    public long Redelivered => Interlocked.Read(ref _redelivered);

    /// <summary>Queues the whole batch with the recorder before its first await, then settles each entry.</summary>
    /// <exception cref="LedgerStoreException">Some decisions were not recorded; they stay pending.</exception>
    public async Task RecordAsync(StreamEntry[] entries)
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
            submitted.Add((entry, decision, recorder.RecordAsync(decision, CancellationToken.None).AsTask()));
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
                StoredEntry? existing = await store.FindByRequestIdAsync(decision.RequestId).ConfigureAwait(false);
                if (existing is null)
                {
                    // Its twin in this batch failed to commit: leave it pending, it is retried.
                    failure ??= new LedgerStoreException($"Decision {decision.RequestId} was neither recorded nor found; it stays pending and is retried.");
                    continue;
                }

                SequencerLog.Redelivered(logger, decision.RequestId);
                metrics.Redelivered.Add(1);
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

        IDatabase db = redis.GetDatabase();
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
            Task<long> acked = pipeline.StreamAcknowledgeAsync(keys.Stream, options.ConsumerGroup, ids);
            Task<long> deleted = pipeline.StreamDeleteAsync(keys.Stream, ids);
            Task<long> published = pipeline.PublishAsync(keys.Receipts, ReceiptMessages.Write(receipts));
            pipeline.Execute();
            await Task.WhenAll(acked, deleted, published).ConfigureAwait(false);
            metrics.Acknowledged.Add(ids.Length);
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
            SequencerLog.DeadLettered(logger, entry.Id.ToString(), reason);
            NameValueEntry[] original = entry.Values ?? [];
            var fields = new NameValueEntry[original.Length + 3];
            fields[0] = new NameValueEntry("reason", reason);
            fields[1] = new NameValueEntry("sourceId", entry.Id);
            fields[2] = new NameValueEntry("sourceStream", keys.Stream.ToString());
            original.CopyTo(fields, 3);

            // Copy and acknowledge atomically: the entry is in exactly one of the two streams' live sets.
            ITransaction transaction = db.CreateTransaction();
            _ = transaction.StreamAddAsync(keys.DeadLetters, fields);
            _ = transaction.StreamAcknowledgeAsync(keys.Stream, options.ConsumerGroup, entry.Id);
            _ = transaction.StreamDeleteAsync(keys.Stream, [entry.Id]);
            if (!await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                throw new RedisException($"Moving stream entry {entry.Id} to the dead-letter stream did not commit; it stays pending.");
            }

            metrics.DeadLettered.Add(1);
            Interlocked.Increment(ref _deadLettered);
        }
    }
}
