using DecisionLedger.Checkpoints;
using DecisionLedger.Server.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Drift;

/// <summary>Runs the <see cref="DriftMonitor"/> every <see cref="DriftMonitorOptions.Interval"/>, and the webhook's delivery loop beside it.</summary>
internal sealed partial class DriftMonitorService(CollectorLedger ledger, DriftMonitor monitor, CollectorOptions options, ILogger<DriftMonitorService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Task delivery = monitor.Webhook?.RunAsync(stoppingToken) ?? Task.CompletedTask;
        NoteVerifier verifier = NoteVerifier.Parse(ledger.Directory.VerifierKey);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await monitor.RunOnceAsync(ledger.Store, verifier, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Logged, never thrown: a failed run must not stop the collector; the next run retries.
                    LogFailed(logger, exception.Message);
                }

                await Task.Delay(monitor.Interval, options.TimeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await delivery.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3071, Level = LogLevel.Error, Message = "Drift monitoring could not run: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
