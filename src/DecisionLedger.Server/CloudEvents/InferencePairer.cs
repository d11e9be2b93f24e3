using System.Diagnostics.Metrics;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// Pairs KServe request and response halves by <c>ce-id</c>, in either order, into one decision. A half
/// whose partner does not arrive within <see cref="CollectorOptions.CloudEventPairTimeout"/> is recorded
/// alone; on shutdown every pending half is recorded alone before the recorder drains. Nothing is dropped:
/// a half that cannot be held (too many pending, conflicting) is refused to the sender.
/// </summary>
internal sealed class InferencePairer : IHostedLifecycleService, IDisposable
{
    private readonly CollectorLedger _ledger;
    private readonly CollectorOptions _options;
    private readonly InferenceDecisionBuilder _builder;
    private readonly ILogger _logger;
    private readonly CloudEventMetrics _metrics;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PendingHalf> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _recordingAlone = [];
    private bool _closed;

    public InferencePairer(CollectorLedger ledger, CollectorOptions options, InferenceDecisionBuilder builder, IMeterFactory meterFactory, ILoggerFactory loggerFactory)
    {
        _ledger = ledger;
        _options = options;
        _builder = builder;
        _logger = loggerFactory.CreateLogger(CollectorLog.Category);
        _metrics = new CloudEventMetrics(meterFactory, () => PendingCount);
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

    /// <summary>Pairs <paramref name="half"/> with its pending partner and records the pair, or holds it.</summary>
    /// <exception cref="DecisionValidationException">The half's body cannot be part of a decision; the path names the part.</exception>
    /// <exception cref="DuplicateRequestIdException">The pair's <c>ce-id</c> is already a request id of the ledger.</exception>
    /// <exception cref="LedgerQueueFullException">The recorder refused the pair.</exception>
    public async Task<PairingOutcome> AcceptAsync(InferenceEvent half)
    {
        // Validated on arrival, so a bad body is refused now rather than failing when it is recorded later.
        _builder.Build(half.Kind == InferenceEventKind.Request ? half : null, half.Kind == InferenceEventKind.Response ? half : null, "timeout");

        PendingHalf? partner;
        IDecisionRecorder? recorder = _ledger.Recorder;
        lock (_gate)
        {
            if (_closed || recorder is null)
            {
                return new PairingOutcome(PairingStatus.Closed);
            }

            if (_pending.TryGetValue(half.Id, out partner))
            {
                if (partner.Event.Kind == half.Kind)
                {
                    bool again = partner.Event.IsRedeliveryOf(half);
                    _metrics.Reject(again ? "redelivered" : "conflict");
                    return new PairingOutcome(again ? PairingStatus.Redelivered : PairingStatus.Conflict);
                }

                _pending.Remove(half.Id);
                partner.Timer?.Dispose();
            }
            else
            {
                if (_pending.Count >= _options.MaxPendingCloudEvents)
                {
                    _metrics.Reject("pending-full");
                    return new PairingOutcome(PairingStatus.Full);
                }

                var pending = new PendingHalf(half);
                _pending.Add(half.Id, pending);
                pending.Timer = _options.TimeProvider.CreateTimer(OnTimeout, pending, _options.CloudEventPairTimeout, Timeout.InfiniteTimeSpan);
                return new PairingOutcome(PairingStatus.Pending);
            }
        }

        InferenceEvent request = half.Kind == InferenceEventKind.Request ? half : partner.Event;
        InferenceEvent response = half.Kind == InferenceEventKind.Response ? half : partner.Event;
        Decision decision;
        try
        {
            decision = _builder.Build(request, response);
        }
        catch (DecisionValidationException)
        {
            // Each half was valid alone but the pair is not (e.g. too large together): keep the partner, refuse this half.
            lock (_gate)
            {
                StartRecordingAlone(partner.Event, "partner-refused");
            }

            throw;
        }

        // Once paired, the decision is recorded even if the sender goes away.
        RecordReceipt receipt = await recorder.RecordAsync(decision, CancellationToken.None).ConfigureAwait(false);
        _metrics.Paired.Add(1);
        return new PairingOutcome(PairingStatus.Paired, receipt);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs after Kestrel drained its requests (no half can arrive any more) and, being registered after
    /// <see cref="CollectorLedger"/>, before it drains the recorder: the host stops services in reverse order.
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
            inFlight = [.. _recordingAlone];
        }

        foreach (PendingHalf half in rest)
        {
            half.Timer?.Dispose();
        }

        await Task.WhenAll(inFlight.Concat(rest.Select(half => RecordAloneAsync(half.Event, "shutdown")))).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose() => _metrics.Dispose();

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
            StartRecordingAlone(half.Event, "timeout");
        }

        half.Timer?.Dispose();
    }

    /// <summary>
    /// Starts recording <paramref name="half"/> alone and tracks it until done; called while holding the gate, so
    /// <see cref="StoppedAsync"/> either sees the half pending or sees its recording in flight, never neither.
    /// </summary>
    private void StartRecordingAlone(InferenceEvent half, string reason)
    {
        Task recording = Task.Run(() => RecordAloneAsync(half, reason));
        _recordingAlone.Add(recording);
        recording.ContinueWith(
            done =>
            {
                lock (_gate)
                {
                    _recordingAlone.Remove(done);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }

    /// <summary>Records a half whose partner never came; failures are logged and counted, never silent.</summary>
    private async Task RecordAloneAsync(InferenceEvent half, string reason)
    {
        string missing = half.Kind == InferenceEventKind.Request ? "response" : "request";
        try
        {
            IDecisionRecorder recorder = _ledger.Recorder ?? throw new InvalidOperationException("the recorder is not running");
            Decision decision = _builder.Build(half.Kind == InferenceEventKind.Request ? half : null, half.Kind == InferenceEventKind.Response ? half : null, reason);
            RecordReceipt receipt = await recorder.RecordAsync(decision, CancellationToken.None).ConfigureAwait(false);
            _metrics.TimedOut.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("missing", missing));
            CollectorLog.HalfRecordedAlone(_logger, half.Id, missing, reason, receipt.Seq);
        }
        catch (DuplicateRequestIdException)
        {
            _metrics.Reject("duplicate");
            CollectorLog.HalfAlreadyRecorded(_logger, half.Id);
        }
        catch (Exception exception)
        {
            _metrics.Reject("failed");
            CollectorLog.HalfNotRecorded(_logger, exception, half.Id, missing);
        }
    }

    private sealed class PendingHalf(InferenceEvent half)
    {
        public InferenceEvent Event { get; } = half;

        public ITimer? Timer { get; set; }
    }
}
