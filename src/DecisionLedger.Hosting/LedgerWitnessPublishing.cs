using System.Diagnostics.Metrics;
using DecisionLedger.Witnessing.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DecisionLedger.Hosting;

/// <summary>
/// Runs the <see cref="WitnessPublisher"/> over the hosted recorder's store when
/// <see cref="DecisionLedgerOptions.Witnessing"/> is configured: each signed checkpoint is sent to
/// the policy's witnesses in the background, never in the recording path.
/// </summary>
internal sealed class LedgerWitnessPublishing(
    DecisionLedgerHost host,
    IOptions<DecisionLedgerOptions> options,
    TimeProvider time,
    ILoggerFactory? loggerFactory = null,
    IMeterFactory? meterFactory = null) : BackgroundService
{
    private readonly HttpClient _http = new();
    private WitnessPublisher? _publisher;

    /// <summary>The publisher, or null when witnessing is off, with a capture buffer, or before start.</summary>
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
        WitnessingOptions witnessing = options.Value.Witnessing;
        if (!witnessing.Enabled || host.Store is not { } store)
        {
            return Task.CompletedTask;
        }

        _publisher = new WitnessPublisher(
            store,
            witnessing.Resolve("DecisionLedgerOptions.Witnessing."),
            _http,
            time,
            loggerFactory?.CreateLogger<WitnessPublisher>(),
            meterFactory);
        return _publisher.RunAsync(stoppingToken);
    }
}
