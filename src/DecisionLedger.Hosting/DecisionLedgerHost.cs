using System.Diagnostics.Metrics;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DecisionLedger.Hosting;

/// <summary>
/// Owns the recorder for the host's lifetime: opens (or creates) the ledger before anything else
/// starts, runs the scheduled <see cref="IDecisionLedgerReport"/>s, and after everything else has
/// stopped (so a server has finished its requests) writes the last reports, drains the queue and
/// signs the final checkpoint. With an <see cref="IDecisionCaptureBuffer"/> it hands decisions to
/// the buffer instead and never writes the ledger.
/// </summary>
public sealed class DecisionLedgerHost : IHostedLifecycleService, IAsyncDisposable
{
    private readonly IOptions<DecisionLedgerOptions> _options;
    private readonly IDecisionLedgerReport[] _reports;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory? _meterFactory;
    private readonly ILogger _logger;
    private readonly IDecisionCaptureBuffer? _buffer;
    private readonly Func<Decision, CancellationToken, Task> _write;
    private readonly Lock _gate = new();
    private DecisionRecorder? _recorder;
    private Timestamping.CheckpointTimestamper? _stamper;
    private ILedgerStore? _store;
    private LedgerWitnessPublishing? _witnessing;
    private ITimer? _timer;
    private Task _reporting = Task.CompletedTask;
    private int _disposed;
    private volatile bool _started;

    internal DecisionLedgerHost(
        IOptions<DecisionLedgerOptions> options,
        IEnumerable<IDecisionLedgerReport> reports,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IMeterFactory? meterFactory,
        IDecisionCaptureBuffer? buffer)
    {
        _options = options;
        _reports = [.. reports];
        _time = time;
        _loggerFactory = loggerFactory;
        _meterFactory = meterFactory;
        _buffer = buffer;
        _write = WriteAsync;
        _logger = loggerFactory.CreateLogger<DecisionLedgerHost>();
    }

    /// <summary>The open recorder.</summary>
    /// <exception cref="InvalidOperationException">The host has not started, so the ledger is not open, or a capture buffer is registered.</exception>
    public IDecisionRecorder Recorder => OpenRecorder;

    /// <summary>True when decisions go to an <see cref="IDecisionCaptureBuffer"/> rather than the in-process recorder.</summary>
    public bool IsBuffered => _buffer is not null;

    private DecisionRecorder OpenRecorder => _recorder ?? throw new InvalidOperationException(_buffer is not null
        ? "IDecisionRecorder is not available with a decision buffer (UseRedisBuffer): the sequencer writes the ledger; captured decisions go to the buffer."
        : "The decision ledger is not open: it opens when the host starts; resolve IDecisionRecorder after the host has started (app.StartAsync or app.Run).");

    /// <summary>
    /// Hands one decision to the buffer when one is registered, else records it and waits until it
    /// is durable in the ledger.
    /// </summary>
    /// <param name="decision">The decision.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task completing once the decision is durable (in the ledger, or in the buffer).</returns>
    public async Task WriteAsync(Decision decision, CancellationToken cancellationToken)
    {
        if (_buffer is not null)
        {
            await _buffer.EnqueueAsync(decision, cancellationToken).ConfigureAwait(false);
            return;
        }

        await OpenRecorder.RecordAsync(decision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands a decision over and completes when a response may leave: once the recorder queued it
    /// (<paramref name="untilCommitted"/> false; a later commit failure is reported to
    /// <paramref name="onCommitFailed"/>), once it is durable (<paramref name="untilCommitted"/> true),
    /// or with a buffer once the buffer acknowledged it. Fails when that takes longer than <paramref name="timeout"/>.
    /// </summary>
    /// <param name="decision">The decision.</param>
    /// <param name="untilCommitted">True to wait for the group commit; false to wait only for room in the queue.</param>
    /// <param name="onCommitFailed">Called with the request id and the error when a queued decision fails to commit.</param>
    /// <param name="timeout">How long the hand-over may take.</param>
    /// <returns>A task completing when the response may leave.</returns>
    public ValueTask CaptureAsync(Decision decision, bool untilCommitted, Action<string, Exception> onCommitFailed, TimeSpan timeout)
    {
        if (_buffer is null && !untilCommitted)
        {
            // The common case completes synchronously: no timer, no task, no hand-off to another thread.
            DecisionRecorder recorder = OpenRecorder;
            return recorder.TryEnqueue(decision, onCommitFailed, out _)
                ? ValueTask.CompletedTask
                : new ValueTask(WaitForRoomAsync(recorder, decision, onCommitFailed, timeout));
        }

        return new ValueTask(WriteWithinAsync(decision, timeout));
    }

    private async Task WaitForRoomAsync(DecisionRecorder recorder, Decision decision, Action<string, Exception> onCommitFailed, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout, _time);
        await recorder.EnqueueAsync(decision, onCommitFailed, cancellation.Token).ConfigureAwait(false);
    }

    private async Task WriteWithinAsync(Decision decision, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout, _time);
        await WriteAsync(decision, cancellation.Token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        DecisionLedgerOptions options = _options.Value;
        string path = options.LedgerPath!;
        if (_buffer is not null)
        {
            // A fresh directory would have its own fingerprint key: the buffer must use the sequencer's ledger.
            if (!LedgerDirectory.Exists(path))
            {
                throw new InvalidOperationException($"DecisionLedgerOptions.LedgerPath: '{path}' holds no ledger; with a decision buffer the ledger directory must already exist (create it with 'dledger init' and give the sequencer the same ledger).");
            }

            LedgerDirectory buffered = LedgerDirectory.Open(path);
            HostingLog.LedgerOpened(_logger, buffered.Config.Origin, buffered.Path);
            await _buffer.StartAsync(buffered, cancellationToken).ConfigureAwait(false);
            _started = true;
            return;
        }

        Func<LedgerDirectory, ILedgerStore> createStore = options.StoreFactory
            ?? throw new InvalidOperationException("DecisionLedgerOptions: no store chosen; call AddDecisionLedger(...).UseSqlite(\"path/to/ledger\") (package DecisionLedger.Sqlite) or .UsePostgreSql(...) (package DecisionLedger.PostgreSql).");
        LedgerDirectory ledger;
        if (LedgerDirectory.Exists(path))
        {
            ledger = LedgerDirectory.Open(path);
            HostingLog.LedgerOpened(_logger, ledger.Config.Origin, ledger.Path);
        }
        else
        {
            ledger = LedgerDirectory.Create(path, options.Origin);
            HostingLog.LedgerCreated(_logger, ledger.Path, ledger.Config.Origin);
        }

        ILedgerStore store = createStore(ledger);
        try
        {
            _recorder = await LedgerRecorder.StartAsync(ledger, store, options.Recorder, _time, _loggerFactory, _meterFactory, cancellationToken).ConfigureAwait(false);
            _stamper = Timestamping.CheckpointTimestamper.StartFor(store, options.Timestamping, _time, _loggerFactory, _meterFactory);
            _store = store;
            _started = true;
        }
        catch
        {
            if (_recorder is not null)
            {
                await _recorder.DisposeAsync().ConfigureAwait(false);
                _recorder = null;
            }

            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // Beside the recorder, never in its path: a witness being down never delays a decision.
        _witnessing = LedgerWitnessPublishing.Start(store, options.Witnessing, _time, _loggerFactory, _meterFactory);
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        TimeSpan interval = _options.Value.SamplingReportInterval;
        _timer = _time.CreateTimer(static state => ((DecisionLedgerHost)state!).OnReportDue(), this, interval, interval);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    /// <summary>Writes the last reports, drains the recorder (final checkpoint) and closes the store.</summary>
    /// <returns>A task completing once everything is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        if (!_started)
        {
            return;
        }

        Task pending;
        lock (_gate)
        {
            pending = _reporting;
        }

        await pending.ConfigureAwait(false);
        await WriteReportsAsync().ConfigureAwait(false);
        if (_buffer is not null)
        {
            await _buffer.DisposeAsync().ConfigureAwait(false);
        }

        if (_recorder is not null)
        {
            await _recorder.DisposeAsync().ConfigureAwait(false);
        }

        if (_stamper is not null)
        {
            // After the recorder: its final checkpoint gets one last chance at a time stamp.
            await _stamper.DisposeAsync().ConfigureAwait(false);
        }

        if (_witnessing is not null)
        {
            await _witnessing.DisposeAsync().ConfigureAwait(false);
        }

        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs every registered report once.</summary>
    /// <returns>A task completing once every report ran.</returns>
    internal async Task WriteReportsAsync()
    {
        foreach (IDecisionLedgerReport report in _reports)
        {
            try
            {
                await report.WriteDueAsync(_write).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                HostingLog.ReportFailed(_logger, ex, report.GetType().Name);
            }
        }
    }

    private void OnReportDue()
    {
        if (!_started)
        {
            return;
        }

        lock (_gate)
        {
            if (_reporting.IsCompleted)
            {
                _reporting = WriteReportsAsync();
            }
        }
    }
}
