using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using DecisionLedger.Checkpoints;
using DecisionLedger.Entries;
using DecisionLedger.Hashing;
using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Randomness;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DecisionLedger.Recording;

/// <summary>
/// The recorder: <c>Record → bounded queue → BatchBuilder (validate → redact → canonicalize →
/// hash → tree) → BatchCommitter (store.Append(batch + checkpoint) in one transaction) →
/// receipts (→ ReceiptProver when a proof is asked)</c>. This class is the public API and the
/// lifecycle; each stage is its own class and they hand over through channels and completion
/// signals. The hot path never performs I/O; the builder alone owns the Merkle tree, so no lock
/// is held across I/O.
/// </summary>
public sealed class DecisionRecorder : IDecisionRecorder, IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly DecisionRequestFactory _requests;
    private readonly RecorderPipeline _pipeline;
    private readonly DecisionQueue _queue;
    private readonly CommitLinger _linger;
    private readonly ILedgerStore _store;
    private int _disposed;

    private DecisionRecorder(ILedgerStore store, DecisionRequestFactory requests, RecorderPipeline pipeline, ILogger logger)
    {
        _store = store;
        _requests = requests;
        _pipeline = pipeline;
        _queue = pipeline.Queue;
        _linger = pipeline.Linger;
        _logger = logger;
    }

    /// <summary>The entry format this recorder writes (<see cref="LedgerOptions.EntryFormat"/>): every entry it appends is of this version.</summary>
    internal int EntryFormat { get; private init; } = 1;

    /// <summary>The number of entries durably in the ledger as far as this recorder knows.</summary>
    public long DurableSize => _pipeline.Committer.DurableSize;

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
    /// <exception cref="ArgumentException">An option is invalid, or <see cref="LedgerOptions.EntryFormat"/> is 1 on a ledger that switched to entry format 2.</exception>
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
        RecorderStartup.Validate(options);

        (LedgerHead head, MerkleTree tree) = await LedgerTreeLoader.OpenAsync(store, cancellationToken).ConfigureAwait(false);

        // Refuses to write v1 entries after v2 ones before anything is written.
        ChainState chains = await ChainState.LoadAsync(store, head.Size, options.EntryFormat, cancellationToken, options.BenchmarkWithoutHeadsCommitment).ConfigureAwait(false);
        ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DecisionRecorder>();
        await RecorderStartup.ClaimAsync(store, head, logger, cancellationToken).ConfigureAwait(false);
        RecorderLog.Opened(logger, options.Origin, head.Size);
        random ??= CryptographicRandomSource.Instance;
        redactor ??= RecorderStartup.DefaultRedactor(random);
        TimeProvider time = timeProvider ?? TimeProvider.System;
        var pipeline = new RecorderPipeline(store, tree, head, signer, fingerprinter, redactor, options, time, random, logger, meterFactory, chains);
        return new DecisionRecorder(store, new DecisionRequestFactory(time, random), pipeline, logger) { EntryFormat = options.EntryFormat };
    }

    /// <inheritdoc />
    public string Record(Decision decision)
    {
        DecisionRequest request = _requests.Create(decision, awaited: false, includeProof: false, onFailure: null);
        _queue.Add(request);
        return request.RequestId;
    }

    /// <inheritdoc />
    public ValueTask<RecordReceipt> RecordAsync(Decision decision, CancellationToken cancellationToken = default) =>
        RecordAsync(decision, includeProof: false, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<RecordReceipt> RecordAsync(Decision decision, bool includeProof, CancellationToken cancellationToken = default)
    {
        DecisionRequest request = _requests.Create(decision, awaited: true, includeProof, onFailure: null);
        await _queue.AddAsync(request, cancellationToken).ConfigureAwait(false);
        return await request.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// As <see cref="RecordAsync(Decision, bool, CancellationToken)"/>, for a caller that submits many
    /// decisions at once and then awaits them (a collector's NDJSON batch): the task returned is the
    /// receipt's own, with no async state machine per decision, so a group commit completing a
    /// thousand of them schedules only the continuations somebody is actually waiting on. Failures,
    /// including a full queue under <see cref="QueueFullPolicy.Reject"/>, come out of the task.
    /// </summary>
    /// <param name="decision">A parsed, validated decision.</param>
    /// <param name="includeProof">Whether the receipt waits for the covering checkpoint and carries the inclusion proof.</param>
    /// <returns>The receipt, once the decision is durable.</returns>
    public Task<RecordReceipt> SubmitAsync(Decision decision, bool includeProof = false)
    {
        try
        {
            DecisionRequest request = _requests.Create(decision, awaited: true, includeProof, onFailure: null);
            ValueTask queued = _queue.AddAsync(request, CancellationToken.None);
            return queued.IsCompletedSuccessfully ? request.Completion!.Task : AfterQueuedAsync(queued, request);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Task.FromException<RecordReceipt>(ex);
        }

        static async Task<RecordReceipt> AfterQueuedAsync(ValueTask queued, DecisionRequest request)
        {
            await queued.ConfigureAwait(false);
            return await request.Completion!.Task.ConfigureAwait(false);
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
    public bool TryEnqueue(Decision decision, Action<string, Exception>? onFailure, [NotNullWhen(true)] out string? requestId)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        DecisionRequest request = _requests.Create(decision, awaited: false, includeProof: false, onFailure);
        requestId = _queue.TryAdd(request) ? request.RequestId : null;
        return requestId is not null;
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
        DecisionRequest request = _requests.Create(decision, awaited: false, includeProof: false, onFailure);
        await _queue.AddAsync(request, cancellationToken).ConfigureAwait(false);
        return request.RequestId;
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
    public ValueTask<RecordReceipt> RecordAsync(RedactedDecision decision, CancellationToken cancellationToken = default) =>
        RecordAsync(decision, includeProof: false, cancellationToken);

    /// <summary>As <see cref="RecordAsync(RedactedDecision, CancellationToken)"/>; with <paramref name="includeProof"/>, the receipt also carries the covering checkpoint and the inclusion proof (see <see cref="IDecisionRecorder.RecordAsync(Decision, bool, CancellationToken)"/>).</summary>
    /// <param name="decision">The prepared decision (see <see cref="DecisionPreparer"/>).</param>
    /// <param name="includeProof">Whether to wait for the covering checkpoint and attach it with the inclusion proof.</param>
    /// <param name="cancellationToken">Stops waiting; the decision may still be recorded.</param>
    /// <returns>The receipt.</returns>
    /// <exception cref="DuplicateRequestIdException">The ledger already holds the request id.</exception>
    /// <exception cref="LedgerQueueFullException">The queue is full and the policy is <see cref="QueueFullPolicy.Reject"/>.</exception>
    /// <exception cref="LedgerStoreException">The store failed after retries; the decision is not recorded.</exception>
    public async ValueTask<RecordReceipt> RecordAsync(RedactedDecision decision, bool includeProof, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        RecordableDecision.Ensure(decision.Decision);
        var request = new PreparedDecisionRequest(decision, includeProof);

        // Prepared decisions come from a durable buffer: they wait for room whatever the policy.
        await _queue.AddWaitingAsync(request, cancellationToken).ConfigureAwait(false);
        return await request.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
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
    /// <exception cref="ArgumentException"><paramref name="ledgerEvent"/> is a <c>format</c> or <c>heads</c> event: the recorder writes those itself.</exception>
    /// <exception cref="InvalidOperationException">The event's version is not the one the ledger writes (e.g. a v1 erasure in a v2 ledger).</exception>
    /// <exception cref="ObjectDisposedException">The recorder is shutting down.</exception>
    /// <exception cref="LedgerStoreException">The store failed to append the event.</exception>
    public async ValueTask<RecordReceipt> RecordEventAsync(LedgerEvent ledgerEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledgerEvent);
        if (ledgerEvent.Kind is LedgerEvent.FormatKind or LedgerEvent.HeadsKind)
        {
            throw new ArgumentException($"ledgerEvent: a {ledgerEvent.Kind} entry is written by the recorder itself (LedgerOptions.EntryFormat = 2), never recorded by a caller.", nameof(ledgerEvent));
        }

        EventRequest request = _requests.CreateEvent(ledgerEvent);

        // Events are rare and must not be dropped: always wait for room, whatever the policy.
        await _queue.AddWaitingAsync(request, cancellationToken).ConfigureAwait(false);
        _linger.Interrupt();
        return await request.Completion!.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        var flush = new FlushRequest();
        try
        {
            await _queue.AddWaitingAsync(flush, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            await _pipeline.Stages.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        _linger.Interrupt();
        await flush.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops accepting decisions, drains the queue, writes a final checkpoint and stops; then records
    /// the clean close (<see cref="ICleanCloseStore"/>), so an entry that appears later without a
    /// checkpoint is reported as <c>entry-uncovered</c>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _pipeline.StopAsync().ConfigureAwait(false);

        // Only after the final checkpoint is stored: from now on an uncovered entry is no recorder's.
        await RecorderStartup.RecordCleanCloseAsync(_store, _logger).ConfigureAwait(false);
        _requests.Dispose();
        RecorderLog.Stopped(_logger, DurableSize);
    }
}
