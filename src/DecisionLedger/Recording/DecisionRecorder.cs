using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using System.Security.Cryptography;
using DecisionLedger.Checkpoints;
using DecisionLedger.Encryption;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Records;
using DecisionLedger.Redaction;
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
    private readonly BufferedRandomSource _idRandom;
    private readonly ILogger _logger;
    private readonly EntryBuilder _entries;
    private readonly IRandomSource _random;
    private readonly MasterKey? _masterKey;
    private readonly Channel<PendingDecision> _queue;
    private readonly RecorderMetrics _metrics;
    private readonly ITimer _checkpointTimer;
    private readonly Channel<CommitJob> _commits;
    private readonly HashSet<string> _reservedIds = new(StringComparer.Ordinal);
    private readonly Task _builder;
    private readonly Task _committer;
    private MerkleTree? _tree;
    private long _generation = 1;
    private long _invalidGeneration;
    private long _outstandingJobs;
    private long _durableSize;
    private long _lastCheckpointSize;
    private long _committedCheckpointSize;
    private int _disposed;

    private DecisionRecorder(
        ILedgerStore store,
        MerkleTree tree,
        LedgerHead head,
        ICheckpointSigner signer,
        InputFingerprinter fingerprinter,
        IRedactor redactor,
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
        _committedCheckpointSize = _lastCheckpointSize;
        _signer = signer;
        _options = options;
        _time = time;
        _idRandom = new BufferedRandomSource(random);
        _logger = logger;
        _entries = new EntryBuilder(fingerprinter, random, redactor);
        _random = random;
        _masterKey = options.EncryptInputs ? options.MasterKey ?? MasterKey.FromEnvironment() : null;
        _queue = Channel.CreateBounded<PendingDecision>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
        _metrics = new RecorderMetrics(meterFactory, () => _queue.Reader.Count);
        _checkpointTimer = time.CreateTimer(static state => ((DecisionRecorder)state!).OnCheckpointTimer(), this, options.CheckpointInterval, options.CheckpointInterval);
        // Two jobs in flight: one being committed while the next is built.
        _commits = Channel.CreateBounded<CommitJob>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        _committer = Task.Run(RunCommitterAsync);
        _builder = Task.Run(RunBuilderAsync);
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
    /// <param name="redactor">
    /// Runs before anything is hashed or stored. Default: <see cref="RedactionPolicy.PrivacyByDefault"/>
    /// (every built-in PII detector, replaced by a tag). Pass <see cref="NoRedaction.Instance"/> to opt out.
    /// </param>
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
        CancellationToken cancellationToken = default,
        IRedactor? redactor = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(fingerprinter);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.EncryptInputs && options.MasterKey is null && MasterKey.FromEnvironment() is null)
        {
            throw new ArgumentException($"LedgerOptions.MasterKey: required when EncryptInputs is on; set it, or the environment variable {MasterKey.EnvironmentVariable} (base64 of 32 random bytes).");
        }

        (LedgerHead head, MerkleTree tree) = await LedgerTreeLoader.OpenAsync(store, cancellationToken).ConfigureAwait(false);
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DecisionRecorder>();
        RecorderLog.Opened(logger, options.Origin, head.Size);
        random ??= CryptographicRandomSource.Instance;
        if (redactor is null)
        {
            // The default policy only tags; the hash operator's key is never used, so a fresh one is fine.
            byte[] unusedKey = new byte[PolicyRedactor.MinimumKeyLength];
            random.Fill(unusedKey);
            redactor = new PolicyRedactor(RedactionPolicy.PrivacyByDefault, unusedKey);
        }

        return new DecisionRecorder(
            store, tree, head, signer, fingerprinter, redactor, options,
            timeProvider ?? TimeProvider.System,
            random,
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
        await WriteOrWaitAsync(item, cancellationToken).ConfigureAwait(false);

        return await item.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // Queues the item, waiting for room (policy Wait) or refusing it (policy Reject) when the queue is full.
    private async ValueTask WriteOrWaitAsync(PendingDecision item, CancellationToken cancellationToken)
    {
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
    }

    /// <summary>
    /// Accepts a decision into the queue if there is room, without waiting: true once it is
    /// queued — not yet durable; the next group commit makes it so, and a graceful
    /// <see cref="DisposeAsync"/> drains it. False when the queue is full (nothing is queued;
    /// <see cref="EnqueueAsync"/> waits for room or applies <see cref="QueueFullPolicy.Reject"/>).
    /// </summary>
    /// <param name="decision">A parsed, validated decision.</param>
    /// <param name="onFailure">
    /// Told (request id, error) if the accepted decision later cannot be recorded (the store failed
    /// after retries, or the decision could not be built). It runs on the recorder's own task: it must
    /// be quick and must not block. Null: the failure is only logged and counted by the recorder.
    /// </param>
    /// <param name="requestId">The decision's request id (assigned when absent) when it was queued.</param>
    /// <returns>True when queued; false when the queue is full.</returns>
    /// <exception cref="DecisionValidationException">The decision cannot be recorded (e.g. a non-object input).</exception>
    /// <exception cref="ObjectDisposedException">The recorder is shutting down.</exception>
    public bool TryEnqueue(Decision decision, Action<string, Exception>? onFailure, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? requestId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PendingDecision item = Prepare(decision, awaited: false, onFailure);
        if (_queue.Writer.TryWrite(item))
        {
            requestId = item.RequestId;
            return true;
        }

        requestId = null;
        return false;
    }

    /// <summary>
    /// Accepts a decision into the queue and completes as soon as it is queued — not once it is
    /// durable (that is <see cref="RecordAsync(Decision, CancellationToken)"/>). A full queue is
    /// waited on (<see cref="QueueFullPolicy.Wait"/>, until <paramref name="cancellationToken"/>)
    /// or refused (<see cref="QueueFullPolicy.Reject"/>).
    /// </summary>
    /// <param name="decision">A parsed, validated decision.</param>
    /// <param name="onFailure">As for <see cref="TryEnqueue"/>: told if the accepted decision later cannot be recorded; null for none.</param>
    /// <param name="cancellationToken">Stops waiting for room; the decision is then not queued.</param>
    /// <returns>The decision's request id, once it is queued.</returns>
    /// <exception cref="DecisionValidationException">The decision cannot be recorded (e.g. a non-object input).</exception>
    /// <exception cref="LedgerQueueFullException">The queue is full and the policy is <see cref="QueueFullPolicy.Reject"/>.</exception>
    /// <exception cref="ObjectDisposedException">The recorder is shutting down.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting for room.</exception>
    public async ValueTask<string> EnqueueAsync(Decision decision, Action<string, Exception>? onFailure, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        PendingDecision item = Prepare(decision, awaited: false, onFailure);
        await WriteOrWaitAsync(item, cancellationToken).ConfigureAwait(false);

        return item.RequestId;
    }

    /// <summary>
    /// Records a decision a collector already validated, redacted and fingerprinted (e.g. one read
    /// back from a durable buffer) and completes once it is durable. It is stored as is: not
    /// redacted again, its fingerprint kept. Its request id is checked against the ledger, so a
    /// redelivered decision fails with <see cref="DuplicateRequestIdException"/> instead of
    /// being recorded twice.
    /// </summary>
    /// <param name="decision">The prepared decision (see <see cref="DecisionPreparer"/>).</param>
    /// <param name="cancellationToken">Stops waiting; the decision may still be recorded.</param>
    /// <returns>The receipt: seq, request id and leaf hash.</returns>
    /// <exception cref="DuplicateRequestIdException">The ledger already holds the request id.</exception>
    /// <exception cref="LedgerQueueFullException">The queue is full and the policy is <see cref="QueueFullPolicy.Reject"/>.</exception>
    /// <exception cref="LedgerStoreException">The store failed after retries; the decision is not recorded.</exception>
    public async ValueTask<RecordReceipt> RecordAsync(RedactedDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        EnsureRecordable(decision.Decision);
        var item = new PendingDecision(decision);
        if (!_queue.Writer.TryWrite(item))
        {
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

    /// <summary>
    /// Appends a ledger event (e.g. an erasure) through the same queue and single writer as
    /// decisions, so its <c>seq</c> is contiguous with theirs; completes once it is durable.
    /// The event gets a UUIDv7 request id and the clock's UTC now.
    /// </summary>
    /// <param name="ledgerEvent">The event to record.</param>
    /// <param name="cancellationToken">Stops waiting (the event may still be recorded).</param>
    /// <returns>The receipt: seq, request id and leaf hash of the event entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ledgerEvent"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The recorder is shutting down.</exception>
    /// <exception cref="LedgerStoreException">The store failed to append the event.</exception>
    public async ValueTask<RecordReceipt> RecordEventAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        DateTimeOffset now = _time.GetUtcNow();
        var item = new PendingDecision(ledgerEvent, Uuid7.Create(now, _idRandom), EntryBuilder.ToMicroseconds(now));
        try
        {
            // Events are rare and must not be dropped: always wait for room, whatever the policy.
            await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException ex)
        {
            throw new ObjectDisposedException("The recorder is shutting down; the event was not recorded.", ex);
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
            await _committer.WaitAsync(cancellationToken).ConfigureAwait(false);
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
        await _builder.ConfigureAwait(false);
        await _committer.ConfigureAwait(false);
        _entries.Dispose();
        _idRandom.Dispose();
        _metrics.Dispose();
        RecorderLog.Stopped(_logger, DurableSize);
    }

    private PendingDecision Prepare(Decision decision, bool awaited, Action<string, Exception>? onFailure = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        EnsureRecordable(decision);
        bool supplied = decision.RequestId is not null;
        string requestId = decision.RequestId ?? Uuid7.Create(_time.GetUtcNow(), _idRandom);
        DateTimeOffset timestamp = EntryBuilder.ToMicroseconds(decision.Timestamp ?? _time.GetUtcNow());
        return new PendingDecision(decision, requestId, supplied, timestamp, awaited, onFailure);
    }

    // Decisions built in code skip the parser; these checks keep the batcher from meeting
    // a decision it cannot canonicalize, and cost a few comparisons.
    internal static void EnsureRecordable(Decision decision)
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

    // Stage 1: the builder. It owns the tree: it takes what is queued, rejects duplicates,
    // canonicalizes and hashes, appends leaves, and hands the built batch to the committer, so
    // building batch N+1 overlaps the store's fsync of batch N.
    private async Task RunBuilderAsync()
    {
        var batch = new List<PendingDecision>(Math.Min(_options.MaxBatchSize, 1024));
        ChannelReader<PendingDecision> reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _options.MaxBatchSize && reader.TryRead(out PendingDecision? item))
                {
                    batch.Add(item);
                }

                await BuildAsync(batch).ConfigureAwait(false);
            }

            // Shutdown: everything accepted is built; seal it with a final checkpoint.
            await EnsureTreeAsync().ConfigureAwait(false);
            if (_tree is not null && _tree.Size > _lastCheckpointSize)
            {
                await SubmitAsync(CheckpointJob()).ConfigureAwait(false);
            }
        }
        finally
        {
            _commits.Writer.TryComplete();
        }
    }

    private async Task BuildAsync(List<PendingDecision> batch)
    {
        var decisions = new List<PendingDecision>(batch.Count);
        List<PendingDecision>? flushes = null;
        bool tick = false;
        foreach (PendingDecision item in batch)
        {
            if (item.IsEntry)
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

        CommitJob? job = null;
        try
        {
            await EnsureTreeAsync().ConfigureAwait(false);
            if (decisions.Count > 0)
            {
                job = await BuildBatchAsync(decisions, tick).ConfigureAwait(false);
            }
            else if (tick && _tree is not null && _tree.Size > _lastCheckpointSize)
            {
                job = CheckpointJob();
            }
        }
        catch (Exception ex)
        {
            // The store cannot even be read: these decisions fail now, loudly.
            FailAll(decisions, ex);
        }

        job ??= new CommitJob { Generation = _generation, EndSize = _tree?.Size ?? DurableSize };
        job.Flushes = flushes;
        await SubmitAsync(job).ConfigureAwait(false);
    }

    private async Task<CommitJob?> BuildBatchAsync(List<PendingDecision> decisions, bool tick)
    {
        decisions = await RejectDuplicatesAsync(decisions).ConfigureAwait(false);

        // Keys are fetched (or created) once per batch, before any leaf is added to the tree.
        Dictionary<string, AesGcm>? ciphers = _masterKey is null ? null : await LoadSubjectCiphersAsync(decisions).ConfigureAwait(false);
        try
        {
            return BuildEntries(decisions, tick, ciphers);
        }
        finally
        {
            if (ciphers is not null)
            {
                foreach (AesGcm cipher in ciphers.Values)
                {
                    cipher.Dispose();
                }
            }
        }
    }

    private async Task<Dictionary<string, AesGcm>> LoadSubjectCiphersAsync(List<PendingDecision> decisions)
    {
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (PendingDecision item in decisions)
        {
            if (item.Decision?.Subject?.Id is { } subject)
            {
                subjects.Add(subject);
            }
        }

        var ciphers = new Dictionary<string, AesGcm>(subjects.Count, StringComparer.Ordinal);
        if (subjects.Count == 0)
        {
            return ciphers;
        }

        IReadOnlyDictionary<string, byte[]> wrapped = await RetryStoreAsync(ct => _store.GetSubjectKeysAsync(subjects, ct)).ConfigureAwait(false);
        if (wrapped.Count < subjects.Count)
        {
            var candidates = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            byte[] fresh = new byte[MasterKey.KeySize];
            foreach (string subject in subjects)
            {
                if (!wrapped.ContainsKey(subject))
                {
                    _random.Fill(fresh);
                    candidates[subject] = _masterKey!.Wrap(subject, fresh, _random);
                }
            }

            CryptographicOperations.ZeroMemory(fresh);
            IReadOnlyDictionary<string, byte[]> created = await RetryStoreAsync(ct => _store.GetOrCreateSubjectKeysAsync(candidates, ct)).ConfigureAwait(false);
            var all = new Dictionary<string, byte[]>(wrapped, StringComparer.Ordinal);
            foreach ((string subject, byte[] key) in created)
            {
                all[subject] = key;
            }

            wrapped = all;
        }

        try
        {
            foreach ((string subject, byte[] key) in wrapped)
            {
                byte[] plain = _masterKey!.Unwrap(subject, key);
                ciphers[subject] = new AesGcm(plain, 16);
                CryptographicOperations.ZeroMemory(plain);
            }
        }
        catch
        {
            foreach (AesGcm cipher in ciphers.Values)
            {
                cipher.Dispose();
            }

            throw;
        }

        return ciphers;
    }

    private CommitJob? BuildEntries(List<PendingDecision> decisions, bool tick, Dictionary<string, AesGcm>? ciphers)
    {
        MerkleTree tree = _tree!;
        long start = tree.Size;
        var entries = new List<StoredEntry>(decisions.Count);
        var inputs = new List<StoredInput>(decisions.Count);
        var receipts = new List<(PendingDecision, RecordReceipt)>(decisions.Count);
        List<string>? reserved = null;
        foreach (PendingDecision item in decisions)
        {
            (StoredEntry entry, StoredInput input) built;
            try
            {
                if (item.Event is not null)
                {
                    StoredEntry eventEntry = EntryBuilder.BuildEvent(start + entries.Count, item.Event, item.RequestId, item.Timestamp);
                    tree.Append(eventEntry.LeafHash);
                    entries.Add(eventEntry);
                    receipts.Add((item, new RecordReceipt(eventEntry.Seq, item.RequestId, eventEntry.LeafHash)));
                    continue;
                }

                built = item.Prepared is { } prepared
                    ? _entries.Build(start + entries.Count, prepared, ciphers)
                    : _entries.Build(start + entries.Count, item.Decision!, item.RequestId, item.Timestamp, ciphers);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or RedactionException)
            {
                RecorderLog.BuildFailed(_logger, ex, item.RequestId);
                _metrics.Reject("invalid");
                item.Fail(ex);
                continue;
            }

            tree.Append(built.entry.LeafHash);
            entries.Add(built.entry);
            inputs.Add(built.input);
            receipts.Add((item, new RecordReceipt(built.entry.Seq, item.RequestId, built.entry.LeafHash)));
            if (item.IdSuppliedByCaller)
            {
                (reserved ??= []).Add(item.RequestId);
            }
        }

        if (entries.Count == 0)
        {
            return null;
        }

        StoredCheckpoint? checkpoint = null;
        if (tree.Size - _lastCheckpointSize >= _options.CheckpointEveryEntries || tick)
        {
            checkpoint = SignCheckpoint(tree.Size, tree.Root);
            _lastCheckpointSize = tree.Size;
        }

        return new CommitJob
        {
            Generation = _generation,
            EndSize = tree.Size,
            Batch = new AppendBatch(entries, inputs, tree.TakeCompletedTiles(), checkpoint),
            Receipts = receipts,
            ReservedIds = reserved,
        };
    }

    private CommitJob CheckpointJob()
    {
        StoredCheckpoint checkpoint = SignCheckpoint(_tree!.Size, _tree.Root);
        _lastCheckpointSize = checkpoint.TreeSize;
        return new CommitJob { Generation = _generation, EndSize = checkpoint.TreeSize, Checkpoint = checkpoint };
    }

    private async Task SubmitAsync(CommitJob job)
    {
        Interlocked.Increment(ref _outstandingJobs);
        await _commits.Writer.WriteAsync(job).ConfigureAwait(false);
    }

    // After a failed commit the tree holds leaves the store never took: wait until the
    // committer has settled every job built on it, then rebuild the tree from the store.
    private async Task EnsureTreeAsync()
    {
        if (Volatile.Read(ref _invalidGeneration) < _generation && _tree is not null)
        {
            return;
        }

        while (Volatile.Read(ref _outstandingJobs) > 0)
        {
            // Waiting on the other stage, not a business timer: real time, whatever the clock.
            await Task.Delay(TimeSpan.FromMilliseconds(1)).ConfigureAwait(false);
        }

        long size = await RetryStoreAsync(ct => _store.GetSizeAsync(ct)).ConfigureAwait(false);
        _tree = await RetryStoreAsync(ct => LedgerTreeLoader.LoadAsync(_store, size, ct)).ConfigureAwait(false);
        StoredCheckpoint? latest = await RetryStoreAsync(ct => _store.GetLatestCheckpointAsync(ct)).ConfigureAwait(false);
        _lastCheckpointSize = latest?.TreeSize ?? 0;
        Interlocked.Exchange(ref _durableSize, size);
        _generation = Volatile.Read(ref _invalidGeneration) + 1;
    }

    // Stage 2: the committer. One transaction (one fsync) per job, retried on failure; receipts
    // complete only after commit.
    private async Task RunCommitterAsync()
    {
        Exception? lastFailure = null;
        await foreach (CommitJob job in _commits.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (job.Generation <= Volatile.Read(ref _invalidGeneration))
                {
                    // Built on a tree that assumed an earlier batch which failed: its seqs are wrong.
                    FailJob(job, lastFailure!);
                }
                else if (job.Batch is not null)
                {
                    lastFailure = await CommitBatchAsync(job).ConfigureAwait(false);
                }
                else if (job.Checkpoint is not null)
                {
                    await CommitCheckpointAsync(job.Checkpoint).ConfigureAwait(false);
                }
            }
            finally
            {
                if (job.ReservedIds is not null)
                {
                    lock (_reservedIds)
                    {
                        _reservedIds.ExceptWith(job.ReservedIds);
                    }
                }

                if (job.Flushes is not null)
                {
                    foreach (PendingDecision flush in job.Flushes)
                    {
                        flush.Completion!.TrySetResult(new RecordReceipt(DurableSize - 1, string.Empty, default));
                    }
                }

                Interlocked.Decrement(ref _outstandingJobs);
            }
        }
    }

    private async Task<Exception?> CommitBatchAsync(CommitJob job)
    {
        AppendBatch batch = job.Batch!;
        Exception? failure = null;
        for (int attempt = 1; attempt <= _options.MaxAppendAttempts; attempt++)
        {
            try
            {
                long started = Stopwatch.GetTimestamp();
                await _store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
                _metrics.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                _metrics.BatchSize.Record(batch.Entries.Count);
                _metrics.EntriesAppended.Add(batch.Entries.Count);
                Interlocked.Exchange(ref _durableSize, job.EndSize);
                if (batch.Checkpoint is not null)
                {
                    NoteCheckpoint(batch.Checkpoint);
                }

                foreach ((PendingDecision item, RecordReceipt receipt) in job.Receipts)
                {
                    item.Completion?.TrySetResult(receipt);
                }

                return null;
            }
            catch (Exception ex)
            {
                failure = ex;
                if (attempt < _options.MaxAppendAttempts)
                {
                    RecorderLog.AppendRetrying(_logger, ex, batch.Entries.Count, attempt, _options.MaxAppendAttempts);
                    await Task.Delay(_options.AppendRetryDelay * Math.Pow(2, attempt - 1), _time).ConfigureAwait(false);
                }
            }
        }

        RecorderLog.AppendFailed(_logger, failure!, batch.Entries.Count, _options.MaxAppendAttempts, job.Receipts[0].Item.RequestId);
        Volatile.Write(ref _invalidGeneration, job.Generation);
        var error = failure as LedgerStoreException
            ?? new LedgerStoreException($"The ledger store failed to append {batch.Entries.Count} decisions: {failure!.Message}", failure);
        FailJob(job, error);
        return error;
    }

    private void FailJob(CommitJob job, Exception error)
    {
        if (job.Receipts.Count > 0)
        {
            _metrics.Reject("store_failure", job.Receipts.Count);
            FailAll(job.Receipts.Select(r => r.Item), error);
        }
    }

    private static void FailAll(IEnumerable<PendingDecision> items, Exception error)
    {
        foreach (PendingDecision item in items)
        {
            item.Fail(error);
        }
    }

    private async Task CommitCheckpointAsync(StoredCheckpoint checkpoint)
    {
        try
        {
            await _store.AppendCheckpointAsync(checkpoint, CancellationToken.None).ConfigureAwait(false);
            NoteCheckpoint(checkpoint);
        }
        catch (Exception ex)
        {
            // The entries are durable; the next batch or tick signs a newer checkpoint.
            RecorderLog.AppendRetrying(_logger, ex, 0, 1, 1);
            Volatile.Write(ref _lastCheckpointSize, Volatile.Read(ref _committedCheckpointSize));
        }
    }

    private async Task<List<PendingDecision>> RejectDuplicatesAsync(List<PendingDecision> decisions)
    {
        List<string>? supplied = null;
        foreach (PendingDecision item in decisions)
        {
            if (item.IdSuppliedByCaller)
            {
                (supplied ??= []).Add(item.RequestId);
            }
        }

        if (supplied is null)
        {
            return decisions;
        }

        IReadOnlySet<string> existing = await RetryStoreAsync(ct => _store.FindExistingRequestIdsAsync(supplied, ct)).ConfigureAwait(false);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var accepted = new List<PendingDecision>(decisions.Count);
        foreach (PendingDecision item in decisions)
        {
            bool duplicate = false;
            if (item.IdSuppliedByCaller)
            {
                lock (_reservedIds)
                {
                    // In flight in an earlier batch not yet committed, in the store, or twice here.
                    duplicate = existing.Contains(item.RequestId) || !seen.Add(item.RequestId) || !_reservedIds.Add(item.RequestId);
                }
            }

            if (duplicate)
            {
                _metrics.Reject("duplicate_request_id");
                RecorderLog.DuplicateRejected(_logger, item.RequestId);
                item.Fail(new DuplicateRequestIdException(item.RequestId));
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

    private StoredCheckpoint SignCheckpoint(long size, Sha256Hash root)
    {
        string note = CheckpointNote.Sign(new Checkpoint(_options.Origin, size, root), _signer);
        return new StoredCheckpoint(size, root, note, _time.GetUtcNow());
    }

    private void NoteCheckpoint(StoredCheckpoint checkpoint)
    {
        Volatile.Write(ref _committedCheckpointSize, checkpoint.TreeSize);
        _metrics.Checkpoints.Add(1);
        RecorderLog.CheckpointSigned(_logger, checkpoint.TreeSize, checkpoint.RootHash.ToBase64());
    }
}
