using DecisionLedger.Server.Hosting;
using DecisionLedger.Storage;
using DecisionLedger.Verification;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Verification;

/// <summary>
/// Verifies the collector's ledger in the background: a full run when the collector starts, then an
/// incremental run every <see cref="CollectorOptions.VerificationInterval"/> from the newest checkpoint
/// the previous run verified, so each run reads only the entries recorded since.
/// </summary>
/// <remarks>
/// Runs in the background rather than on request so that a dashboard or a monitor polling
/// <c>GET /v1/verification</c> can never make the collector re-read a large ledger.
/// </remarks>
internal sealed partial class VerificationMonitor(CollectorLedger ledger, CollectorOptions options, ILogger<VerificationMonitor> logger) : BackgroundService
{
    // A checkpoint signed between the verifier reading the size and reading the checkpoints looks like a truncated tail.
    private const int MaxRaceRetries = 3;

    private VerificationRun? _last;
    private int _running;
    private long _trustedSize;

    /// <summary>The most recent finished run, or null before the first one finished.</summary>
    public VerificationRun? Last => Volatile.Read(ref _last);

    /// <summary>Whether a run is in progress.</summary>
    public bool Running => Volatile.Read(ref _running) != 0;

    /// <summary>Runs one verification now, continuing from the last verified checkpoint.</summary>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The finished run.</returns>
    public async Task<VerificationRun> RunOnceAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _running, 1);
        DateTimeOffset started = options.TimeProvider.GetUtcNow();
        long from = _trustedSize;
        VerificationRun run;
        try
        {
            VerificationReport report = await VerifyAsync(from, cancellationToken).ConfigureAwait(false);
            if (report.Passed)
            {
                _trustedSize = await NewestCheckpointSizeAsync(ledger.Store, report.TreeSize, cancellationToken).ConfigureAwait(false);
            }

            run = new VerificationRun(started, options.TimeProvider.GetUtcNow(), from, report, null);
            if (report.FirstFinding is { } finding)
            {
                LogFinding(logger, finding.Seq, finding.Kind.ToString(), finding.Detail);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Reported, never thrown: a failed background run must not stop the host (BackgroundServiceExceptionBehavior.StopHost).
            run = new VerificationRun(started, options.TimeProvider.GetUtcNow(), from, null, exception.Message);
            LogFailed(logger, exception.Message);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }

        Volatile.Write(ref _last, run);
        return run;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                if (options.VerificationInterval <= TimeSpan.Zero)
                {
                    return;
                }

                await Task.Delay(options.VerificationInterval, options.TimeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<VerificationReport> VerifyAsync(long from, CancellationToken cancellationToken)
    {
        var verifier = new LedgerVerifier();
        var verification = new VerificationOptions { FromCheckpoint = from == 0 ? null : from, TimeProvider = options.TimeProvider };
        for (int attempt = 0; ; attempt++)
        {
            VerificationReport report = await verifier.VerifyAsync(ledger.Store, ledger.Directory.Signer.Verifier, ledger.Directory.Config.Origin, verification, cancellationToken: cancellationToken).ConfigureAwait(false);
            bool raced = report.FirstFinding is { Kind: TamperKind.TailTruncated } finding
                && finding.Seq == report.TreeSize
                && await ledger.Store.GetSizeAsync(cancellationToken).ConfigureAwait(false) > report.TreeSize;
            if (!raced || attempt >= MaxRaceRetries)
            {
                return report;
            }
        }
    }

    private static async Task<long> NewestCheckpointSizeAsync(ILedgerStore store, long verifiedSize, CancellationToken cancellationToken)
    {
        long newest = 0;
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (checkpoint.TreeSize <= verifiedSize && checkpoint.TreeSize > newest)
            {
                newest = checkpoint.TreeSize;
            }
        }

        return newest;
    }

    [LoggerMessage(EventId = 3050, Level = LogLevel.Error, Message = "Background verification found tampering at seq {Seq} ({Kind}): {Detail}")]
    private static partial void LogFinding(ILogger logger, long seq, string kind, string detail);

    [LoggerMessage(EventId = 3051, Level = LogLevel.Error, Message = "Background verification could not run: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
