using System.Diagnostics.Metrics;
using DecisionLedger.Recording;
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
    private readonly RedisBufferOptions _options;
    private readonly BufferKeys _keys;
    private readonly string _consumer;
    private readonly ILogger _logger;
    private readonly SequencerMetrics _metrics;
    private readonly BufferStreamReader _reader;
    private readonly BufferBatchRecorder _batches;

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
        _options = options;
        _keys = new BufferKeys(options.KeyPrefix, origin);
        _consumer = consumerName;
        _logger = logger ?? NullLogger.Instance;
        _metrics = new SequencerMetrics(meterFactory);
        _reader = new BufferStreamReader(redis, options, _keys, consumerName, _metrics, _logger);
        _batches = new BufferBatchRecorder(redis, options, _keys, recorder, store, _metrics, _logger);
    }

    /// <summary>Decisions this sequencer recorded.</summary>
    public long Recorded => _batches.Recorded;

    /// <summary>Stream entries this sequencer moved to the dead-letter stream.</summary>
    public long DeadLettered => _batches.DeadLettered;

    /// <summary>Stream entries whose decision was already in the ledger (redeliveries), acknowledged without recording.</summary>
    public long Redelivered => _batches.Redelivered;

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
                    await _reader.EnsureGroupAsync().ConfigureAwait(false);
                    groupReady = true;
                }

                StreamEntry[] entries;
                if (readOwnPending)
                {
                    // After a start or a failure: first what this consumer read but did not acknowledge.
                    await DrainAsync(Take(ref inFlight)).ConfigureAwait(false);
                    entries = await _reader.ReadOwnPendingAsync().ConfigureAwait(false);
                    readOwnPending = entries.Length > 0;
                }
                else if (_reader.ClaimDue)
                {
                    await DrainAsync(Take(ref inFlight)).ConfigureAwait(false);
                    entries = await _reader.ClaimAsync().ConfigureAwait(false);
                }
                else
                {
                    entries = await _reader.ReadNewAsync().ConfigureAwait(false);
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

                // RecordAsync queues the whole batch with the recorder before its first await.
                Task? previous = Take(ref inFlight);
                inFlight = _batches.RecordAsync(entries);
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
}
