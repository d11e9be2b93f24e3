using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Redis.Buffer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DecisionLedger.Server.Hosting;

/// <summary>
/// Buffer mode of the collector: the privacy step (same fingerprint key and redaction policy as
/// the ledger) and the connection to the ledger's Redis stream, ready before the first request.
/// </summary>
internal sealed class CollectorBuffer(LedgerDirectory directory, CollectorOptions options, ILoggerFactory loggerFactory) : IHostedLifecycleService
{
    private RedisDecisionBuffer? _buffer;
    private DecisionPreparer? _preparer;

    /// <summary>The Redis stream buffer; available once started.</summary>
    public RedisDecisionBuffer Buffer => _buffer ?? throw new InvalidOperationException("The buffer is not connected yet.");

    /// <summary>Validates, identifies, fingerprints and redacts decisions before they are buffered.</summary>
    public DecisionPreparer Preparer => _preparer ?? throw new InvalidOperationException("The buffer is not connected yet.");

    /// <summary>True between start and stop: decisions can be buffered.</summary>
    public bool IsConnected => Volatile.Read(ref _buffer) is not null;

    /// <summary>How long a client asking to wait is given its receipt.</summary>
    public TimeSpan ReceiptWait => options.RedisBuffer!.ReceiptWait;

    /// <inheritdoc />
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        _preparer = new DecisionPreparer(
            directory.CreateFingerprinter(),
            directory.CreateRedactor(loggerFactory.CreateLogger("DecisionLedger.Redaction")),
            options.TimeProvider);
        _buffer = await RedisDecisionBuffer.ConnectAsync(options.RedisBuffer!, directory.Config.Origin).ConfigureAwait(false);
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
        // After Kestrel drained: every 202 already sent is in Redis.
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
