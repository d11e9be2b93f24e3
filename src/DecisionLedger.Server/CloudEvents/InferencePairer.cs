using System.Diagnostics.Metrics;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// Pairs KServe request and response halves by <c>ce-id</c>, in either order, into one decision. A half is
/// written to the <see cref="PendingHalfJournal"/> (fsynced) before it is answered 202, so a crash loses no
/// accepted half: the next start replays the journal. A half whose partner does not arrive within
/// <see cref="CollectorOptions.CloudEventPairTimeout"/> (counted from its first acceptance, across restarts) is
/// recorded alone; on shutdown every pending half is recorded alone before the recorder drains. Nothing is
/// dropped: a half that cannot be held (too many pending, conflicting, journal unwritable) is refused to the sender.
/// </summary>
internal sealed class InferencePairer : IHostedLifecycleService, IDisposable
{
    private readonly IInferenceDecisionSink _sink;
    private readonly CollectorOptions _options;
    private readonly InferenceDecisionBuilder _builder;
    private readonly ILogger _logger;
    private readonly CloudEventMetrics _metrics;
    private readonly string _journalPath;
    private readonly Lock _gate = new();
    private readonly PendingHalves _pending;
    private readonly BackgroundDecisionRecorder _recorder;
    private readonly JournalRedactor _redactor;
    private PendingHalfJournal? _journal;
    private string? _journalHeld;

    public InferencePairer(IInferenceDecisionSink sink, LedgerDirectory directory, CollectorOptions options, InferenceDecisionBuilder builder, IMeterFactory meterFactory, ILoggerFactory loggerFactory)
    {
        _sink = sink;
        _options = options;
        _builder = builder;
        _logger = loggerFactory.CreateLogger(CollectorLog.Category);
        _metrics = new CloudEventMetrics(meterFactory, () => PendingCount);
        _journalPath = options.CloudEventJournalPath ?? Path.Combine(directory.Path, PendingHalfJournal.FileName);
        _redactor = new JournalRedactor(builder, directory.CreateRedactor(loggerFactory.CreateLogger("DecisionLedger.Redaction")), directory.CreateFingerprinter(), options.TimeProvider);
        _recorder = new BackgroundDecisionRecorder(sink, _redactor, options, _metrics, _logger, _gate, () => _journal);
        _pending = new PendingHalves(_gate, options, _recorder, _metrics, _logger);
    }

    /// <summary>Halves waiting for their partner.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Pairs <paramref name="half"/> with its pending partner and records the pair, or holds it (durably).</summary>
    /// <param name="half">The half that arrived.</param>
    /// <param name="waitForReceipt">In buffer mode, wait for the sequencer's receipt of a pair (<c>Prefer: wait</c>).</param>
    /// <exception cref="DecisionValidationException">The half's body cannot be part of a decision; the path names the part.</exception>
    /// <exception cref="DuplicateRequestIdException">The pair's <c>ce-id</c> is already a request id of the ledger.</exception>
    /// <exception cref="LedgerQueueFullException">The recorder refused the pair.</exception>
    /// <exception cref="CloudEventJournalException">The half could not be made durable; it is not held.</exception>
    /// <exception cref="StackExchange.Redis.RedisException">Buffer mode: Redis did not acknowledge the pair; the partner is held again.</exception>
    /// <exception cref="RedactionException">Buffer mode: the redaction policy cannot be applied to the pair.</exception>
    public async Task<PairingOutcome> AcceptAsync(InferenceEvent half, bool waitForReceipt = false)
    {
        // Validated on arrival, so a bad body is refused now rather than failing when it is recorded later.
        _builder.Build(half.Kind == InferenceEventKind.Request ? half : null, half.Kind == InferenceEventKind.Response ? half : null, "timeout");
        DateTimeOffset received = _options.TimeProvider.GetUtcNow();

        PendingHalf? partner;
        PendingHalf? held = null;
        byte[]? line = null;
        while (true)
        {
            lock (_gate)
            {
                if (_journalHeld is not null)
                {
                    throw new CloudEventJournalException(_journalHeld, heldElsewhere: true);
                }

                if (_pending.IsClosed || _journal is null || !_sink.IsOpen)
                {
                    return new PairingOutcome(PairingStatus.Closed);
                }

                if (_pending.TryGet(half.Id, out partner))
                {
                    if (partner.Event.Kind == half.Kind)
                    {
                        bool again = partner.Event.IsRedeliveryOf(half);
                        _metrics.Reject(again ? "redelivered" : "conflict");
                        if (!again)
                        {
                            return new PairingOutcome(PairingStatus.Conflict);
                        }
                    }
                    else
                    {
                        _pending.Take(partner);
                    }
                }
                else if (line is not null)
                {
                    if (_pending.Count >= _options.MaxPendingCloudEvents)
                    {
                        _metrics.Reject("pending-full");
                        return new PairingOutcome(PairingStatus.Full);
                    }

                    // Appended under the gate, so the half's line is always before its tombstone in the journal.
                    held = new PendingHalf(half, received, _journal.AppendHalfAsync(line));
                    _pending.Hold(held, _options.CloudEventPairTimeout);
                }
            }

            if (partner is not null || held is not null)
            {
                break;
            }

            // No partner: redact and encode the line outside the gate (bodies may be large), then look again. Only
            // the redacted half goes to disk; the half as received stays in memory, so a pair recorded before any
            // restart is exactly the decision it always was.
            line = PendingHalfCodec.EncodeHalf(_redactor.RedactHalf(half), received);
        }

        if (held is not null)
        {
            await _pending.WaitDurableAsync(held).ConfigureAwait(false);
            return new PairingOutcome(PairingStatus.Pending);
        }

        if (partner!.Event.Kind == half.Kind)
        {
            // A redelivery is answered 202 only once the first delivery is durable.
            await partner.Durable.ConfigureAwait(false);
            return new PairingOutcome(PairingStatus.Redelivered);
        }

        return await RecordPairAsync(half, partner, waitForReceipt).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs before any hosted service starts (Kestrel included), after the recorder (or the buffer) is ready:
    /// registered after them. Replays the journal (<see cref="PendingHalves.Replay"/>).
    /// </remarks>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        PendingHalfJournal? journal = OpenJournal(out IReadOnlyList<JournaledHalf> halves);
        if (journal is null)
        {
            return Task.CompletedTask;
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        lock (_gate)
        {
            _journal = journal;
            (int pairs, int expired) = _pending.Replay(halves, now);
            if (halves.Count > 0)
            {
                CollectorLog.JournalReplayed(_logger, journal.FilePath, halves.Count, pairs, expired, _pending.Count);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs after Kestrel drained its requests (no half can arrive any more) and, being registered after
    /// <see cref="CollectorLedger"/> (and the buffer), before the recorder drains: the host stops services in
    /// reverse order. A half that cannot be recorded now stays in the journal for the next start.
    /// </remarks>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        List<PendingHalf> rest;
        Task[] inFlight;
        lock (_gate)
        {
            rest = _pending.Close();
            inFlight = _recorder.InFlight();
        }

        await _recorder.StopRetryingAsync().ConfigureAwait(false);
        foreach (PendingHalf half in rest)
        {
            half.Timer?.Dispose();
        }

        await Task.WhenAll(inFlight.Concat(rest.Select(half => _recorder.RecordAloneAsync(half.Event, "shutdown")))).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _journal, null) is { } journal)
        {
            await journal.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        _recorder.Dispose();
    }

    /// <summary>Opens the journal; null when another collector holds it (that one owns its halves).</summary>
    private PendingHalfJournal? OpenJournal(out IReadOnlyList<JournaledHalf> halves)
    {
        try
        {
            return PendingHalfJournal.Open(_journalPath, _options.TimeProvider, _logger, _redactor.RedactHalf, out halves);
        }
        catch (CloudEventJournalException exception) when (exception.IsHeldElsewhere)
        {
            // This collector serves everything but CloudEvents (503 naming the journal), rather than refusing to
            // start when it shares a ledger directory and may never take a CloudEvent.
            CollectorLog.JournalHeldElsewhere(_logger, exception, _journalPath);
            _journalHeld = exception.Message;
            halves = [];
            return null;
        }
    }

    private async Task<PairingOutcome> RecordPairAsync(InferenceEvent half, PendingHalf partner, bool waitForReceipt)
    {
        InferenceEvent request = half.Kind == InferenceEventKind.Request ? half : partner.Event;
        InferenceEvent response = half.Kind == InferenceEventKind.Response ? half : partner.Event;
        InferenceRecord recorded;
        try
        {
            recorded = await _redactor.RecordAsync(_sink, request, response, aloneBecause: null, waitForReceipt).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DecisionValidationException or RedactionException)
        {
            // Each half was valid alone but the pair is not (e.g. too large together): keep the partner, refuse this half.
            lock (_gate)
            {
                _recorder.StartAlone(partner.Event, "partner-refused");
            }

            throw;
        }
        catch (DuplicateRequestIdException)
        {
            // The ledger holds this id already: nothing of the partner is left to record.
            _journal?.AppendDone(partner.Event);
            throw;
        }
        catch
        {
            // Not recorded (recorder full, Redis down): the partner waits again, the sender of this half retries.
            _pending.Restore(partner);
            throw;
        }

        _journal?.AppendDone(partner.Event);
        _metrics.Paired.Add(1);
        return new PairingOutcome(PairingStatus.Paired, recorded);
    }
}
