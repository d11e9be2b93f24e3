using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Records;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Recording;

/// <summary>
/// The recorder pipeline: <c>Record → bounded Channel → one batcher → canonicalize + hash →
/// store.Append(batch) in one transaction → checkpoint → receipts</c>. The hot path never
/// performs I/O; the single batcher owns the Merkle tree, so no lock is held across I/O.
/// </summary>
public sealed class DecisionRecorder : IDecisionRecorder, IAsyncDisposable
{
    private readonly ILedgerStore _store;
    private readonly ICheckpointSigner _signer;
    private readonly LedgerOptions _options;
    private readonly TimeProvider _time;
    private readonly IRandomSource _random;
    private readonly ILogger _logger;
    private readonly EntryBuilder _entries;
    private readonly Channel<PendingDecision> _queue;
    private readonly RecorderMetrics _metrics;
    private readonly ITimer _checkpointTimer;
    private readonly Task _batcher;
    private MerkleTree? _tree;
    private long _durableSize;
    private long _lastCheckpointSize;
    private int _disposed;

    private DecisionRecorder(
        ILedgerStore store,
        MerkleTree tree,
        LedgerHead head,
        ICheckpointSigner signer,
        InputFingerprinter fingerprinter,
        LedgerOptions options,
        TimeProvider time,
        IRandomSource random,
        ILogger logger,
        IMeterFactory? meterFactory)
    {
        _store = store;
        _tree = tree;
        _durableSize = head.Size;
        _lastCheckpointSize = head.LatestCheckpoint?.TreeSize ?? 0;
        _signer = signer;
        _options = options;
        _time = time;
        _random = random;
        _logger = logger;
        _entries = new EntryBuilder(fingerprinter, random);
        _queue = Channel.CreateBounded<PendingDecision>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _metrics = new RecorderMetrics(meterFactory, () => _queue.Reader.Count);
        _checkpointTimer = time.CreateTimer(static state => ((DecisionRecorder)state!).OnCheckpointTimer(), this, options.CheckpointInterval, options.CheckpointInterval);
        _batcher = Task.Run(RunBatcherAsync);
    }

    /// <summary>The number of entries durably in the ledger as far as this recorder knows.</summary>
    public long DurableSize => Interlocked.Read(ref _durableSize);

    /// <summary>
    /// Opens the store, restores the Merkle tree's right edge, checks the tail against the
    /// newest checkpoint, and starts the batcher.
    /// </summary>
    /// <param name="store">The ledger store; the recorder does not dispose it.</param>
    /// <param name="signer">Signs checkpoints with the ledger's key.</param>
    /// <param name="fingerprinter">Computes keyed input fingerprints.</param>
    /// <param name="options">Ledger options; validated here.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="random">Salts and request ids; default the OS CSPRNG.</param>
    /// <param name="loggerFactory">Logging; default none.</param>
    /// <param name="meterFactory">Metrics; default a standalone <c>DecisionLedger</c> meter.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="LedgerStoreException">The store cannot be opened or its tail is damaged.</exception>
    public static async ValueTask<DecisionRecorder> StartAsync(
        ILedgerStore store,
        ICheckpointSigner signer,
        InputFingerprinter fingerprinter,
        LedgerOptions options,
        TimeProvider? timeProvider = null,
        IRandomSource? random = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(fingerprinter);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        (LedgerHead head, MerkleTree tree) = await LedgerTreeLoader.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DecisionRecorder>();
        RecorderLog.Opened(logger, options.Origin, head.Size);
        return new DecisionRecorder(
            store, tree, head, signer, fingerprinter, options,
            timeProvider ?? TimeProvider.System,
            random ?? CryptographicRandomSource.Instance,
            logger,
            meterFactory);
    }

    /// <inheritdoc />
    public string Record(Decision decision)
    {
        PendingDecision item = Prepare(decision, awaited: false);
        if (!_queue.Writer.TryWrite(item))
        {
            WaitOrReject(item);
        }

        return item.RequestId;
    }

    /// <inheritdoc />
    public async ValueTask<RecordReceipt> RecordAsync(Decision decision, CancellationToken cancellationToken = default)
    {
        PendingDecision item = Prepare(decision, awaited: true);
        if (!_queue.Writer.TryWrite(item))
        {
            if (_options.QueueFullPolicy == QueueFullPolicy.Reject)
            {
                WaitOrReject(item);
            }

            try
            {
                await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException ex)
            {
                throw new ObjectDisposedException("The recorder is shutting down; the decision was not recorded.", ex);
            }
        }

        return await item.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        PendingDecision flush = PendingDecision.Flush();
        try
        {
            await _queue.Writer.WriteAsync(flush, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await _batcher.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await flush.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting decisions, drains the queue, writes a final checkpoint and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _checkpointTimer.DisposeAsync().ConfigureAwait(false);
        await _batcher.ConfigureAwait(false);
        _metrics.Dispose();
        RecorderLog.Stopped(_logger, DurableSize);
    }

    private PendingDecision Prepare(Decision decision, bool awaited)
    {
        ArgumentNullException.ThrowIfNull(decision);
        EnsureRecordable(decision);
        bool supplied = decision.RequestId is not null;
        string requestId = decision.RequestId ?? Uuid7.Create(_time.GetUtcNow(), _random);
        DateTimeOffset timestamp = EntryBuilder.ToMicroseconds(decision.Timestamp ?? _time.GetUtcNow());
        return new PendingDecision(decision, requestId, supplied, timestamp, awaited);
    }

    // Decisions built in code skip the parser; these checks keep the batcher from meeting
    // a decision it cannot canonicalize, and cost a few comparisons.
    private static void EnsureRecordable(Decision decision)
    {
        if (decision.Model is null)
        {
            throw new DecisionValidationException("model", "required", "an object with name and version");
        }

        if (string.IsNullOrEmpty(decision.Model.Name))
        {
            throw new DecisionValidationException("model.name", "required", "a non-empty string");
        }

        if (string.IsNullOrEmpty(decision.Model.Version))
        {
            throw new DecisionValidationException("model.version", "required", "a non-empty string");
        }

        RequireObject(decision.Input, "input");
        RequireObject(decision.Output, "output");
        if (decision.Metadata is { } metadata)
        {
            RequireObject(metadata, "metadata");
        }

        if (decision.RequestId is { Length: 0 })
        {
            throw new DecisionValidationException("requestId", "empty", "a non-empty string, or omit it to have a UUIDv7 assigned");
        }

        if (decision.LatencyMs is { } latency && (!double.IsFinite(latency) || latency < 0))
        {
            throw new DecisionValidationException("latencyMs", $"{latency} is not a finite non-negative number", "a duration in milliseconds ≥ 0");
        }
    }

    private static void RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new DecisionValidationException(path, $"must be a JSON object; got {element.ValueKind}", "send a JSON object");
        }
    }

    private void WaitOrReject(PendingDecision item)
    {
        if (_options.QueueFullPolicy == QueueFullPolicy.Reject)
        {
            _metrics.Reject("queue_full");
            RecorderLog.QueueFullRejected(_logger, _options.QueueCapacity, item.RequestId);
            throw new LedgerQueueFullException(_options.QueueCapacity);
        }

        // Back-pressure for the synchronous API: block this caller until the batcher makes room.
        try
        {
            _queue.Writer.WriteAsync(item).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The recorder is shutting down; the decision was not recorded.", ex);
        }
    }

    private void OnCheckpointTimer() => _queue.Writer.TryWrite(PendingDecision.Tick());

    private async Task RunBatcherAsync()
    {
        var batch = new List<PendingDecision>(Math.Min(_options.MaxBatchSize, 1024));
        ChannelReader<PendingDecision> reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out PendingDecision? item))
            {
                batch.Add(item);
            }

            await ProcessBatchAsync(batch).ConfigureAwait(false);
        }

        // Shutdown: everything accepted is processed; seal it with a final checkpoint.
        await CheckpointAloneAsync().ConfigureAwait(false);
    }

    private async Task ProcessBatchAsync(List<PendingDecision> batch)
    {
        var decisions = new List<PendingDecision>(batch.Count);
        List<PendingDecision>? flushes = null;
        bool tick = false;
        foreach (PendingDecision item in batch)
        {
            if (item.Decision is not null)
            {
                decisions.Add(item);
            }
            else if (item.Completion is not null)
            {
                (flushes ??= []).Add(item);
            }
            else
            {
                tick = true;
            }
        }

        if (decisions.Count > 0)
        {
            decisions = await RejectDuplicatesAsync(decisions).ConfigureAwait(false);
        }

        if (decisions.Count > 0)
        {
            await AppendWithRetryAsync(decisions, tick).ConfigureAwait(false);
        }
        else if (tick && DurableSize > _lastCheckpointSize)
        {
            await CheckpointAloneAsync().ConfigureAwait(false);
        }

        if (flushes is not null)
        {
            foreach (PendingDecision flush in flushes)
            {
                flush.Completion!.TrySetResult(new RecordReceipt(DurableSize - 1, string.Empty, default));
            }
        }
    }

    private async Task<List<PendingDecision>> RejectDuplicatesAsync(List<PendingDecision> decisions)
    {
        var seen = new HashSet<string>(decisions.Count, StringComparer.Ordinal);
        List<string>? supplied = null;
        foreach (PendingDecision item in decisions)
        {
            if (item.IdSuppliedByCaller)
            {
                (supplied ??= []).Add(item.RequestId);
            }
        }

        IReadOnlySet<string> existing = supplied is null
            ? new HashSet<string>()
            : await RetryStoreAsync(ct => _store.FindExistingRequestIdsAsync(supplied, ct)).ConfigureAwait(false);

        var accepted = new List<PendingDecision>(decisions.Count);
        foreach (PendingDecision item in decisions)
        {
            if (existing.Contains(item.RequestId) || !seen.Add(item.RequestId))
            {
                _metrics.Reject("duplicate_request_id");
                RecorderLog.DuplicateRejected(_logger, item.RequestId);
                item.Completion?.TrySetException(new DuplicateRequestIdException(item.RequestId));
                continue;
            }

            accepted.Add(item);
        }

        return accepted;
    }

    private async Task<T> RetryStoreAsync<T>(Func<CancellationToken, ValueTask<T>> operation)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < _options.MaxAppendAttempts)
            {
                RecorderLog.AppendRetrying(_logger, ex, 0, attempt, _options.MaxAppendAttempts);
                await Task.Delay(_options.AppendRetryDelay * attempt, _time).ConfigureAwait(false);
            }
        }
    }

    private async Task AppendWithRetryAsync(List<PendingDecision> decisions, bool tick)
    {
        Exception? failure = null;
        for (int attempt = 1; attempt <= _options.MaxAppendAttempts; attempt++)
        {
            try
            {
                _tree ??= await LedgerTreeLoader.LoadAsync(_store, DurableSize, CancellationToken.None).ConfigureAwait(false);
                List<(PendingDecision Item, RecordReceipt Receipt)> done = await AppendOnceAsync(decisions, _tree, tick).ConfigureAwait(false);
                foreach ((PendingDecision item, RecordReceipt receipt) in done)
                {
                    item.Completion?.TrySetResult(receipt);
                }

                return;
            }
            catch (Exception ex)
            {
                // The tree holds leaves the store did not take; rebuild it from the store before retrying.
                _tree = null;
                failure = ex;
                if (attempt < _options.MaxAppendAttempts)
                {
                    RecorderLog.AppendRetrying(_logger, ex, decisions.Count, attempt, _options.MaxAppendAttempts);
                    await Task.Delay(_options.AppendRetryDelay * Math.Pow(2, attempt - 1), _time).ConfigureAwait(false);
                }
            }
        }

        RecorderLog.AppendFailed(_logger, failure!, decisions.Count, _options.MaxAppendAttempts, decisions[0].RequestId);
        _metrics.Reject("store_failure", decisions.Count);
        var error = failure as LedgerStoreException
            ?? new LedgerStoreException($"The ledger store failed to append {decisions.Count} decisions: {failure!.Message}", failure);
        foreach (PendingDecision item in decisions)
        {
            item.Completion?.TrySetException(error);
        }
    }

    private async Task<List<(PendingDecision, RecordReceipt)>> AppendOnceAsync(List<PendingDecision> decisions, MerkleTree tree, bool tick)
    {
        long start = tree.Size;
        var entries = new List<StoredEntry>(decisions.Count);
        var inputs = new List<StoredInput>(decisions.Count);
        var done = new List<(PendingDecision, RecordReceipt)>(decisions.Count);
        foreach (PendingDecision item in decisions)
        {
            (StoredEntry entry, StoredInput input) built;
            try
            {
                built = _entries.Build(start + entries.Count, item.Decision!, item.RequestId, item.Timestamp);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                RecorderLog.BuildFailed(_logger, ex, item.RequestId);
                _metrics.Reject("invalid");
                item.Completion?.TrySetException(ex);
                continue;
            }

            tree.Append(built.entry.LeafHash);
            entries.Add(built.entry);
            inputs.Add(built.input);
            done.Add((item, new RecordReceipt(built.entry.Seq, item.RequestId, built.entry.LeafHash)));
        }

        if (entries.Count == 0)
        {
            return done;
        }

        bool checkpointDue = tree.Size - _lastCheckpointSize >= _options.CheckpointEveryEntries || tick;
        StoredCheckpoint? checkpoint = checkpointDue ? SignCheckpoint(tree.Size, tree.Root) : null;
        var batch = new AppendBatch(entries, inputs, tree.TakeCompletedTiles(), checkpoint);

        long started = Stopwatch.GetTimestamp();
        await _store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
        _metrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        _metrics.BatchSize.Record(entries.Count);
        _metrics.EntriesAppended.Add(entries.Count);
        Interlocked.Exchange(ref _durableSize, tree.Size);
        if (checkpoint is not null)
        {
            NoteCheckpoint(checkpoint);
        }

        return done;
    }

    private async Task CheckpointAloneAsync()
    {
        if (_tree is null || DurableSize == _lastCheckpointSize || _tree.Size != DurableSize)
        {
            return;
        }

        StoredCheckpoint checkpoint = SignCheckpoint(_tree.Size, _tree.Root);
        try
        {
            await _store.AppendCheckpointAsync(checkpoint, CancellationToken.None).ConfigureAwait(false);
            NoteCheckpoint(checkpoint);
        }
        catch (Exception ex)
        {
            // Entries are durable; a missed checkpoint is retried on the next tick.
            RecorderLog.AppendRetrying(_logger, ex, 0, 1, 1);
        }
    }

    private StoredCheckpoint SignCheckpoint(long size, Sha256Hash root)
    {
        string note = CheckpointNote.Sign(new Checkpoint(_options.Origin, size, root), _signer);
        return new StoredCheckpoint(size, root, note, _time.GetUtcNow());
    }

    private void NoteCheckpoint(StoredCheckpoint checkpoint)
    {
        _lastCheckpointSize = checkpoint.TreeSize;
        _metrics.Checkpoints.Add(1);
        RecorderLog.CheckpointSigned(_logger, checkpoint.TreeSize, checkpoint.RootHash.ToBase64());
    }
}
