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

    /// <summary>The checked configuration: the policy and each witness's endpoint.</summary>
    public WitnessingConfiguration Configuration { get; } = configuration;

    /// <summary>The publisher, or null before start and in buffer mode (there the sequencer signs and publishes).</summary>
    public WitnessPublisher? Publisher => Volatile.Read(ref _publisher);

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
            // Buffer mode: the elected sequencer signs the checkpoints; this process only serves them.
            return Task.CompletedTask;
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
}
