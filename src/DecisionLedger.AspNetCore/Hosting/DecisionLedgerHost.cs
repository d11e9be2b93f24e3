using System.Diagnostics.Metrics;
using DecisionLedger.AspNetCore.Capture;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
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
    private readonly Lock _gate = new();
    private DecisionRecorder? _recorder;
    // The default store: the SQLite database in the ledger directory.
    private static readonly Func<LedgerDirectory, DecisionLedger.Storage.ILedgerStore> s_sqlite = ledger => new SqliteLedgerStore(ledger.DatabasePath);
    private DecisionLedger.Storage.ILedgerStore? _store;
    private ITimer? _timer;
    private Task _reporting = Task.CompletedTask;
    private int _disposed;

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
        _logger = loggerFactory.CreateLogger<DecisionLedgerHost>();
    }

    /// <summary>The open recorder.</summary>
    /// <exception cref="InvalidOperationException">The host has not started, so the ledger is not open.</exception>
    public IDecisionRecorder Recorder => _recorder ?? throw new InvalidOperationException(
        "The decision ledger is not open: it opens when the host starts; resolve IDecisionRecorder after the host has started (app.StartAsync or app.Run).");

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        DecisionLedgerOptions options = _options.Value;
        string path = options.LedgerPath!;
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

        DecisionRecorder? recorder = _recorder;
        if (recorder is null)
        {
            return;
        }

        Task pending;
        lock (_gate)
        {
            pending = _reporting;
        }

        await pending.ConfigureAwait(false);
        await ReportSamplingAsync(recorder).ConfigureAwait(false);
        await recorder.DisposeAsync().ConfigureAwait(false);
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes one <c>decisionledger.sampling</c> decision per endpoint that sampled anything out.</summary>
    internal async Task ReportSamplingAsync(IDecisionRecorder recorder)
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
                await recorder.RecordAsync(SamplingReport.Create(counter, sampledOut, since, until)).ConfigureAwait(false);
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
        DecisionRecorder? recorder = _recorder;
        if (recorder is null)
        {
            return;
        }

        lock (_gate)
        {
            if (_reporting.IsCompleted)
            {
                _reporting = ReportSamplingAsync(recorder);
            }
        }
    }
}
