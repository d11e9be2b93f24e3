using System.Diagnostics.Metrics;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Records;
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
    /// <summary>How long a half whose recording failed (recorder or Redis unavailable) waits before the next try, at most.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly IInferenceDecisionSink _sink;
    private readonly CollectorOptions _options;
    private readonly InferenceDecisionBuilder _builder;
    private readonly ILogger _logger;
    private readonly CloudEventMetrics _metrics;
    private readonly string _journalPath;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingHalf> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _recording = [];
    private readonly CancellationTokenSource _stopping = new();
    private PendingHalfJournal? _journal;
    private string? _journalHeld;
    private bool _closed;

    public InferencePairer(IInferenceDecisionSink sink, LedgerDirectory directory, CollectorOptions options, InferenceDecisionBuilder builder, IMeterFactory meterFactory, ILoggerFactory loggerFactory)
    {
        _sink = sink;
        _options = options;
        _builder = builder;
        _logger = loggerFactory.CreateLogger(CollectorLog.Category);
        _metrics = new CloudEventMetrics(meterFactory, () => PendingCount);
        _journalPath = options.CloudEventJournalPath ?? Path.Combine(directory.Path, PendingHalfJournal.FileName);
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

    private TimeSpan RetryDelay => _options.CloudEventPairTimeout < MaxRetryDelay ? _options.CloudEventPairTimeout : MaxRetryDelay;

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

                if (_closed || _journal is null || !_sink.IsOpen)
                {
                    return new PairingOutcome(PairingStatus.Closed);
                }

                if (_pending.TryGetValue(half.Id, out partner))
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
                        _pending.Remove(half.Id);
                        partner.Timer?.Dispose();
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
                    _pending.Add(half.Id, held);
                    held.Timer = _options.TimeProvider.CreateTimer(OnTimeout, held, _options.CloudEventPairTimeout, Timeout.InfiniteTimeSpan);
                }
            }

            if (partner is not null || held is not null)
            {
                break;
            }

            // No partner: encode the line outside the gate (bodies may be large), then look again.
            line = PendingHalfCodec.EncodeHalf(half, received);
        }

        if (held is not null)
        {
            await HoldAsync(held).ConfigureAwait(false);
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
    /// registered after them. Replays the journal: pairs found whole are recorded, halves past their timeout are
    /// recorded alone, the others wait again for the rest of their timeout.
    /// </remarks>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        PendingHalfJournal? journal = OpenJournal(out IReadOnlyList<JournaledHalf> halves);
        if (journal is null)
        {
            return Task.CompletedTask;
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        int pairs = 0;
        int expired = 0;
        lock (_gate)
        {
            _journal = journal;
            foreach (IGrouping<string, JournaledHalf> group in halves.GroupBy(half => half.Event.Id, StringComparer.Ordinal))
            {
                JournaledHalf? request = group.FirstOrDefault(half => half.Event.Kind == InferenceEventKind.Request);
                JournaledHalf? response = group.FirstOrDefault(half => half.Event.Kind == InferenceEventKind.Response);
                if (request is not null && response is not null)
                {
                    pairs++;
                    StartRecording(request.Event, response.Event, null);
                    continue;
                }

                JournaledHalf alone = request ?? response!;
                TimeSpan left = alone.Received + _options.CloudEventPairTimeout - now;
                if (left <= TimeSpan.Zero)
                {
                    expired++;
                    StartRecording(request?.Event, response?.Event, "timeout");
                    continue;
                }

                var pending = new PendingHalf(alone.Event, alone.Received, Task.CompletedTask);
                _pending.Add(alone.Event.Id, pending);
                pending.Timer = _options.TimeProvider.CreateTimer(OnTimeout, pending, left, Timeout.InfiniteTimeSpan);
            }

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
            _closed = true;
            rest = [.. _pending.Values];
            _pending.Clear();
            inFlight = [.. _recording];
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (PendingHalf half in rest)
        {
            half.Timer?.Dispose();
        }

        await Task.WhenAll(inFlight.Concat(rest.Select(half => RecordAsync(Alone(half.Event, InferenceEventKind.Request), Alone(half.Event, InferenceEventKind.Response), "shutdown")))).ConfigureAwait(false);
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
        _stopping.Dispose();
    }

    /// <summary>Opens the journal; null when another collector holds it (that one owns its halves).</summary>
    private PendingHalfJournal? OpenJournal(out IReadOnlyList<JournaledHalf> halves)
    {
        try
        {
            return PendingHalfJournal.Open(_journalPath, _options.TimeProvider, _logger, out halves);
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

    private static InferenceEvent? Alone(InferenceEvent half, InferenceEventKind kind) => half.Kind == kind ? half : null;

    /// <summary>Waits for the half's line to be on disk; if it cannot be, the half is let go and the sender told (503).</summary>
    private async Task HoldAsync(PendingHalf held)
    {
        try
        {
            await held.Durable.ConfigureAwait(false);
        }
        catch (CloudEventJournalException)
        {
            lock (_gate)
            {
                if (_pending.TryGetValue(held.Event.Id, out PendingHalf? current) && ReferenceEquals(current, held))
                {
                    _pending.Remove(held.Event.Id);
                    held.Timer?.Dispose();
                }
            }

            _metrics.Reject("journal-failed");
            throw;
        }
    }

    private async Task<PairingOutcome> RecordPairAsync(InferenceEvent half, PendingHalf partner, bool waitForReceipt)
    {
        InferenceEvent request = half.Kind == InferenceEventKind.Request ? half : partner.Event;
        InferenceEvent response = half.Kind == InferenceEventKind.Response ? half : partner.Event;
        InferenceRecord recorded;
        try
        {
            recorded = await _sink.RecordAsync(_builder.Build(request, response), waitForReceipt).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DecisionValidationException or RedactionException)
        {
            // Each half was valid alone but the pair is not (e.g. too large together): keep the partner, refuse this half.
            lock (_gate)
            {
                StartRecording(Alone(partner.Event, InferenceEventKind.Request), Alone(partner.Event, InferenceEventKind.Response), "partner-refused");
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
            Restore(partner);
            throw;
        }

        _journal?.AppendDone(partner.Event);
        _metrics.Paired.Add(1);
        return new PairingOutcome(PairingStatus.Paired, recorded);
    }

    /// <summary>Puts a partner back after its pair could not be recorded, for the rest of its timeout.</summary>
    private void Restore(PendingHalf partner)
    {
        lock (_gate)
        {
            if (!_closed && _pending.TryGetValue(partner.Event.Id, out PendingHalf? other) && other.Event.Kind != partner.Event.Kind)
            {
                // A copy of the failed half arrived while its pair was being recorded and is held now: pair the
                // partner with it (recorded in the background, retried), or the partner would only be replayed
                // after the copy had been recorded alone, and be refused then as a duplicate: lost.
                _pending.Remove(partner.Event.Id);
                other.Timer?.Dispose();
                InferenceEvent request = partner.Event.Kind == InferenceEventKind.Request ? partner.Event : other.Event;
                InferenceEvent response = partner.Event.Kind == InferenceEventKind.Response ? partner.Event : other.Event;
                StartRecording(request, response, aloneBecause: null);
                return;
            }

            if (_closed || _pending.ContainsKey(partner.Event.Id))
            {
                // Stopping, or a copy of the partner itself arrived meanwhile (held with its own journal line):
                // the partner's line stays in the journal for the next start.
                CollectorLog.HalfKeptInJournal(_logger, partner.Event.Id);
                return;
            }

            TimeSpan left = partner.Received + _options.CloudEventPairTimeout - _options.TimeProvider.GetUtcNow();
            _pending.Add(partner.Event.Id, partner);
            partner.Timer = _options.TimeProvider.CreateTimer(OnTimeout, partner, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimeout(object? state)
    {
        var half = (PendingHalf)state!;
        lock (_gate)
        {
            // The partner may have won the race, or shutdown taken the half.
            if (!_pending.TryGetValue(half.Event.Id, out PendingHalf? current) || !ReferenceEquals(current, half))
            {
                return;
            }

            _pending.Remove(half.Event.Id);
            StartRecording(Alone(half.Event, InferenceEventKind.Request), Alone(half.Event, InferenceEventKind.Response), "timeout");
        }

        half.Timer?.Dispose();
    }

    /// <summary>
    /// Starts recording in the background and tracks it until done; called while holding the gate, so
    /// <see cref="StoppedAsync"/> either sees the half pending or sees its recording in flight, never neither.
    /// </summary>
    private void StartRecording(InferenceEvent? request, InferenceEvent? response, string? aloneBecause)
    {
        Task recording = Task.Run(() => RecordAsync(request, response, aloneBecause));
        _recording.Add(recording);
        recording.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _recording.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Records a pair replayed from the journal, or a half whose partner never came, then writes its tombstone.
    /// A failure that may pass (recorder or Redis unavailable) is retried until the collector stops; the half then
    /// stays in the journal. Every failure is logged and counted, never silent.
    /// </summary>
    private async Task RecordAsync(InferenceEvent? request, InferenceEvent? response, string? aloneBecause)
    {
        InferenceEvent first = request ?? response!;
        string missing = request is null ? "request" : "response";
        while (true)
        {
            try
            {
                InferenceRecord recorded = await _sink.RecordAsync(_builder.Build(request, response, aloneBecause), waitForReceipt: false).ConfigureAwait(false);
                if (aloneBecause is null)
                {
                    _metrics.Paired.Add(1);
                }
                else
                {
                    _metrics.TimedOut.Add(1, new KeyValuePair<string, object?>("reason", aloneBecause), new KeyValuePair<string, object?>("missing", missing));
                    if (recorded.Receipt is { } receipt)
                    {
                        CollectorLog.HalfRecordedAlone(_logger, first.Id, missing, aloneBecause, receipt.Seq);
                    }
                    else
                    {
                        CollectorLog.HalfBufferedAlone(_logger, first.Id, missing, aloneBecause, recorded.BufferId ?? string.Empty);
                    }
                }

                break;
            }
            catch (DuplicateRequestIdException)
            {
                _metrics.Reject("duplicate");
                CollectorLog.HalfAlreadyRecorded(_logger, first.Id);
                break;
            }
            catch (Exception exception) when (exception is DecisionValidationException or RedactionException)
            {
                // It can never be recorded: retrying would only hold it forever.
                _metrics.Reject("failed");
                CollectorLog.HalfNotRecorded(_logger, exception, first.Id, missing);
                break;
            }
            catch (Exception exception)
            {
                _metrics.Reject("retry");
                if (_stopping.IsCancellationRequested)
                {
                    CollectorLog.HalfNotRecorded(_logger, exception, first.Id, missing);
                    CollectorLog.HalfKeptInJournal(_logger, first.Id);
                    return;
                }

                CollectorLog.HalfRecordRetry(_logger, exception, first.Id, RetryDelay.TotalSeconds);
                try
                {
                    await Task.Delay(RetryDelay, _options.TimeProvider, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    CollectorLog.HalfKeptInJournal(_logger, first.Id);
                    return;
                }
            }
        }

        foreach (InferenceEvent half in new[] { request, response }.OfType<InferenceEvent>())
        {
            _journal?.AppendDone(half);
        }
    }

    private sealed class PendingHalf(InferenceEvent half, DateTimeOffset received, Task durable)
    {
        public InferenceEvent Event { get; } = half;

        /// <summary>When it was first accepted; the timeout runs from here, across restarts.</summary>
        public DateTimeOffset Received { get; } = received;

        /// <summary>Completes once its journal line is on disk.</summary>
        public Task Durable { get; } = durable;

        public ITimer? Timer { get; set; }
    }
}
