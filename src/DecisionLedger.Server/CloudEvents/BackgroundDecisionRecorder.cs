using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redaction;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.CloudEvents;

/// <summary>
/// Records, off the request path, what no sender waits for: pairs replayed from the journal or completed by a
/// restore, and halves whose partner never came. Retries a failure that may pass until the collector stops,
/// writes each recorded half's tombstone, and tracks every recording so shutdown can wait for it.
/// </summary>
internal sealed class BackgroundDecisionRecorder : IDisposable
{
    /// <summary>How long a half whose recording failed (recorder or Redis unavailable) waits before the next try, at most.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly IInferenceDecisionSink _sink;
    private readonly JournalRedactor _redactor;
    private readonly CollectorOptions _options;
    private readonly CloudEventMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Lock _gate;
    private readonly Func<PendingHalfJournal?> _journal;
    private readonly HashSet<Task> _recording = [];
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// Records through <paramref name="sink"/>; <paramref name="gate"/> is the pairer's, under which the recordings in
    /// flight are tracked; <paramref name="journal"/> gives the journal the tombstones go to (null while none is open).
    /// </summary>
    public BackgroundDecisionRecorder(IInferenceDecisionSink sink, JournalRedactor redactor, CollectorOptions options, CloudEventMetrics metrics, ILogger logger, Lock gate, Func<PendingHalfJournal?> journal)
    {
        _sink = sink;
        _redactor = redactor;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _gate = gate;
        _journal = journal;
    }

    private TimeSpan RetryDelay => _options.CloudEventPairTimeout < MaxRetryDelay ? _options.CloudEventPairTimeout : MaxRetryDelay;

    /// <summary>The half as the request or the response of a decision: itself if it is of that kind, else null.</summary>
    public static InferenceEvent? Alone(InferenceEvent half, InferenceEventKind kind) => half.Kind == kind ? half : null;

    /// <summary>
    /// Starts recording in the background and tracks it until done; called while holding the gate, so
    /// <see cref="InferencePairer.StoppedAsync"/> either sees the half pending or sees its recording in flight, never neither.
    /// </summary>
    public void Start(InferenceEvent? request, InferenceEvent? response, string? aloneBecause)
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

    /// <summary>Starts recording <paramref name="half"/> alone (see <see cref="Start"/>; called while holding the gate).</summary>
    public void StartAlone(InferenceEvent half, string aloneBecause) =>
        Start(Alone(half, InferenceEventKind.Request), Alone(half, InferenceEventKind.Response), aloneBecause);

    /// <summary>Records <paramref name="half"/> alone, untracked: the caller awaits it.</summary>
    public Task RecordAloneAsync(InferenceEvent half, string aloneBecause) =>
        RecordAsync(Alone(half, InferenceEventKind.Request), Alone(half, InferenceEventKind.Response), aloneBecause);

    /// <summary>The recordings in flight; called while holding the gate.</summary>
    public Task[] InFlight() => [.. _recording];

    /// <summary>Stops retrying: a recording that fails from now on leaves its halves in the journal for the next start.</summary>
    public Task StopRetryingAsync() => _stopping.CancelAsync();

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

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
                InferenceRecord recorded = await _redactor.RecordAsync(_sink, request, response, aloneBecause, waitForReceipt: false).ConfigureAwait(false);
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
            _journal()?.AppendDone(half);
        }
    }
}
