using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Sqlite;
using DecisionLedger.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Hosting;

/// <summary>
/// The ledger behind the collector: opens the store and starts the recorder before the server
/// takes requests, and drains the recorder (final checkpoint) after the server stopped taking them.
/// </summary>
internal sealed class CollectorLedger(LedgerDirectory directory, CollectorOptions options, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    private ILedgerStore? _store;
    private DecisionRecorder? _recorder;
    private Timestamping.CheckpointTimestamper? _stamper;
    private LedgerProver? _prover;

    /// <summary>The ledger directory.</summary>
    public LedgerDirectory Directory { get; } = directory;

    /// <summary>The store; readable once started.</summary>
    public ILedgerStore Store => _store ?? throw new InvalidOperationException("The ledger is not open yet.");

    /// <summary>The prover over the store; it keeps one tree and catches it up, so proofs stay O(log n).</summary>
    public LedgerProver Prover => _prover ?? throw new InvalidOperationException("The ledger is not open yet.");

    /// <summary>The recorder, or null before start and after stop.</summary>
    public IDecisionRecorder? Recorder => Volatile.Read(ref _recorder);

    /// <inheritdoc />
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.StoreFactory is { } factory)
        {
            _store = factory(Directory);
        }
        else
        {
            _store = new SqliteLedgerStore(Directory.DatabasePath);
        }

        try
        {
            await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
            _prover = new LedgerProver(_store);
            if (options.RedisBuffer is not null)
            {
                // Buffer mode: the elected sequencer is the ledger's only writer; this process reads.
                return;
            }

            DecisionRecorder recorder = await LedgerRecorder.StartAsync(
                Directory,
                _store,
                new LedgerOptions { QueueCapacity = options.QueueCapacity, EnqueueTimeout = options.EnqueueTimeout },
                options.TimeProvider,
                loggerFactory,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _recorder, recorder);
            _stamper = Timestamping.CheckpointTimestamper.StartFor(_store, options.Timestamping, options.TimeProvider, loggerFactory);
        }
        catch
        {
            if (Interlocked.Exchange(ref _recorder, null) is { } started)
            {
                await started.DisposeAsync().ConfigureAwait(false);
            }

            // The host does not call StoppedAsync when starting fails: release the database here.
            _prover?.Dispose();
            _prover = null;
            await _store.DisposeAsync().ConfigureAwait(false);
            _store = null;
            throw;
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
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Runs after Kestrel drained its requests: every accepted decision is committed and a final checkpoint signed.
        DecisionRecorder? recorder = Interlocked.Exchange(ref _recorder, null);
        if (recorder is not null)
        {
            await recorder.DisposeAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _stamper, null) is { } stamper)
        {
            // After the recorder: its final checkpoint gets one last chance at a time stamp.
            await stamper.DisposeAsync().ConfigureAwait(false);
        }

        _prover?.Dispose();
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
            _store = null;
        }
    }
}
