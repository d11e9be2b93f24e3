using System.Diagnostics.Metrics;
using DecisionLedger.Server.Hosting;
using DecisionLedger.Witnessing.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Witnessing;

/// <summary>
/// The collector's witnessing: the checked configuration, and (when this process signs the
/// checkpoints) the background <see cref="WitnessPublisher"/> that gets them cosigned. It runs
/// beside the recorder, never in its path: a witness being down never stops ingestion.
/// </summary>
internal sealed class CollectorWitnessing(
    CollectorLedger ledger,
    CollectorOptions options,
    WitnessingConfiguration configuration,
    ILoggerFactory loggerFactory,
    IMeterFactory meterFactory) : BackgroundService
{
    private readonly HttpClient _http = new();
    private WitnessPublisher? _publisher;
    private StoredWitnessing? _stored;

    /// <summary>The checked configuration: the policy and each witness's endpoint.</summary>
    public WitnessingConfiguration Configuration { get; } = configuration;

    /// <summary>The publisher, or null before start and in buffer mode (there the sequencer signs and publishes).</summary>
    public WitnessPublisher? Publisher => Volatile.Read(ref _publisher);

    /// <summary>
    /// In buffer mode, what the ledger's store last said about witnessing (refreshed every poll
    /// interval and on each <c>GET /v1/witnesses</c>); null before the first read and when this process publishes.
    /// </summary>
    public StoredWitnessing? Stored => Volatile.Read(ref _stored);

    /// <summary>Reads the witnessing state from the store again (buffer mode: the sequencer publishes, the store holds the result).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The fresh state.</returns>
    public async Task<StoredWitnessing> RefreshStoredAsync(CancellationToken cancellationToken)
    {
        StoredWitnessing stored = await StoredWitnessing.ReadAsync(ledger.Store, Configuration.Policy, options.TimeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _stored, stored);
        return stored;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        base.Dispose();
        _publisher?.Dispose();
        _http.Dispose();
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.RedisBuffer is not null)
        {
            // Buffer mode: the elected sequencer signs the checkpoints and asks the witnesses; this
            // process only serves them, and shows what the shared store says they cosigned.
            return FollowStoreAsync(stoppingToken);
        }

        _publisher = new WitnessPublisher(
            ledger.Store,
            Configuration,
            _http,
            options.TimeProvider,
            loggerFactory.CreateLogger<WitnessPublisher>(),
            meterFactory,
            ledger.Prover);
        return _publisher.RunAsync(stoppingToken);
    }

    private async Task FollowStoreAsync(CancellationToken stoppingToken)
    {
        ILogger logger = loggerFactory.CreateLogger<CollectorWitnessing>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshStoredAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is Storage.LedgerStoreException or InvalidOperationException)
            {
                CollectorWitnessingLog.StoreReadFailed(logger, exception);
            }

            try
            {
                await Task.Delay(Configuration.PollInterval, options.TimeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
