using System.Diagnostics.Metrics;
using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Records;
using DecisionLedger.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DecisionLedger.AspNetCore.Hosting;

/// <summary>
/// Owns the recorder for the host's lifetime: opens (or creates) the ledger before anything else
/// starts, writes sampling reports periodically, and after everything else has stopped (so the
/// server has finished its requests) writes the last sampling report, drains the queue and signs
/// the final checkpoint.
/// </summary>
internal sealed class DecisionLedgerHost : IHostedLifecycleService, IAsyncDisposable
{
    private readonly IOptions<DecisionLedgerOptions> _options;
    private readonly SamplingRegistry _sampling;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly IMeterFactory? _meterFactory;
    private readonly ILogger _logger;
    private readonly IDecisionCaptureBuffer? _buffer;
    private readonly Lock _gate = new();
    private DecisionRecorder? _recorder;
    // The default store: the SQLite database in the ledger directory.
    private static readonly Func<LedgerDirectory, DecisionLedger.Storage.ILedgerStore> s_sqlite = ledger => new SqliteLedgerStore(ledger.DatabasePath);
    private DecisionLedger.Storage.ILedgerStore? _store;
    private ITimer? _timer;
    private Task _reporting = Task.CompletedTask;
    private int _disposed;
    private volatile bool _started;

    public DecisionLedgerHost(
        IOptions<DecisionLedgerOptions> options,
        SamplingRegistry sampling,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        _options = options;
        _sampling = sampling;
        _time = time;
        _loggerFactory = loggerFactory;
        _meterFactory = (IMeterFactory?)services.GetService(typeof(IMeterFactory));
        _buffer = (IDecisionCaptureBuffer?)services.GetService(typeof(IDecisionCaptureBuffer));
        _logger = loggerFactory.CreateLogger<DecisionLedgerHost>();
    }

    /// <summary>The open recorder.</summary>
    /// <exception cref="InvalidOperationException">The host has not started, so the ledger is not open.</exception>
    public IDecisionRecorder Recorder => OpenRecorder;

    private DecisionRecorder OpenRecorder => _recorder ?? throw new InvalidOperationException(_buffer is not null
        ? "IDecisionRecorder is not available with a decision buffer (UseRedisBuffer): the sequencer writes the ledger; captured decisions go to the buffer."
        : "The decision ledger is not open: it opens when the host starts; resolve IDecisionRecorder after the host has started (app.StartAsync or app.Run).");

    /// <summary>
    /// Hands one decision to the buffer when one is registered, else records it and waits until it
    /// is durable in the ledger.
    /// </summary>
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
    /// Hands a captured decision over and completes when its response may leave: once the recorder
    /// queued it (<see cref="CaptureDurability.Enqueued"/>; a later commit failure is reported to
    /// <paramref name="onCommitFailed"/>), once it is durable (<see cref="CaptureDurability.Committed"/>),
    /// or with a buffer once the buffer acknowledged it. Fails when that takes longer than <paramref name="timeout"/>.
    /// </summary>
    public ValueTask CaptureAsync(Decision decision, CaptureDurability durability, Action<string, Exception> onCommitFailed, TimeSpan timeout)
    {
        if (_buffer is null && durability == CaptureDurability.Enqueued)
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
            CaptureLog.LedgerOpened(_logger, buffered.Config.Origin, buffered.Path);
            await _buffer.StartAsync(buffered, cancellationToken).ConfigureAwait(false);
            _started = true;
            return;
        }

        LedgerDirectory ledger;
        if (LedgerDirectory.Exists(path))
        {
            ledger = LedgerDirectory.Open(path);
            CaptureLog.LedgerOpened(_logger, ledger.Config.Origin, ledger.Path);
        }
        else
        {
            ledger = LedgerDirectory.Create(path, options.Origin);
            CaptureLog.LedgerCreated(_logger, ledger.Path, ledger.Config.Origin);
        }

        LedgerOptions recorderOptions = options.Recorder.Clone();
        recorderOptions.Origin = ledger.Config.Origin;
        recorderOptions.EncryptInputs |= ledger.Config.EncryptInputs;

        DecisionLedger.Storage.ILedgerStore store = (options.StoreFactory ?? s_sqlite)(ledger);
        try
        {
            _recorder = await DecisionRecorder.StartAsync(
                store,
                ledger.Signer,
                ledger.CreateFingerprinter(),
                recorderOptions,
                _time,
                random: null,
                _loggerFactory,
                _meterFactory,
                cancellationToken,
                ledger.CreateRedactor(_logger)).ConfigureAwait(false);
            _store = store;
            _started = true;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        TimeSpan interval = _options.Value.SamplingReportInterval;
        _timer = _time.CreateTimer(static state => ((DecisionLedgerHost)state!).OnReportDue(), this, interval, interval);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => DisposeAsync().AsTask();

    /// <summary>Writes the last sampling report, drains the recorder (final checkpoint) and closes the store.</summary>
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
        await ReportSamplingAsync().ConfigureAwait(false);
        if (_buffer is not null)
        {
            await _buffer.DisposeAsync().ConfigureAwait(false);
        }

        if (_recorder is not null)
        {
            await _recorder.DisposeAsync().ConfigureAwait(false);
        }

        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes one <c>decisionledger.sampling</c> decision per endpoint that sampled anything out.</summary>
    internal async Task ReportSamplingAsync()
    {
        foreach (SamplingCounter counter in _sampling.Counters)
        {
            DateTimeOffset until = _time.GetUtcNow();
            (long sampledOut, DateTimeOffset since) = counter.Take(until);
            if (sampledOut == 0)
            {
                continue;
            }

            try
            {
                await WriteAsync(SamplingReport.Create(counter, sampledOut, since, until), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                counter.Restore(sampledOut, since);
                CaptureLog.SamplingReportFailed(_logger, ex, counter.Endpoint, sampledOut);
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
                _reporting = ReportSamplingAsync();
            }
        }
    }
}
