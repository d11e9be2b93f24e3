using DecisionLedger.Hosting;
using DecisionLedger.Ledger;
using DecisionLedger.Recording;
using DecisionLedger.Decisions;
using DecisionLedger.Redis.Buffer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DecisionLedger.Redis.Capture;

/// <summary>
/// Captured decisions of a hosted service go to the ledger's Redis stream: the same
/// privacy step as the collector (<see cref="DecisionPreparer"/> with the ledger's fingerprint
/// key and redaction policy), then XADD. The sequencer records them.
/// </summary>
internal sealed class RedisCaptureBuffer(IOptions<RedisBufferOptions> options, TimeProvider time, ILoggerFactory loggerFactory) : IDecisionCaptureBuffer
{
    private RedisDecisionBuffer? _buffer;
    private DecisionPreparer? _preparer;

    /// <inheritdoc />
    public async Task StartAsync(LedgerDirectory ledger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        _preparer = new DecisionPreparer(ledger.CreateFingerprinter(), ledger.CreateRedactor(loggerFactory.CreateLogger("DecisionLedger.Redaction")), time);
        _buffer = await RedisDecisionBuffer.ConnectAsync(options.Value, ledger.Config.Origin).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task EnqueueAsync(Decision decision, CancellationToken cancellationToken)
    {
        DecisionPreparer preparer = _preparer ?? throw new InvalidOperationException("The Redis decision buffer is not connected: it connects when the host starts.");
        RedisDecisionBuffer buffer = _buffer ?? throw new InvalidOperationException("The Redis decision buffer is not connected: it connects when the host starts.");
        RedactedDecision prepared = preparer.Prepare(decision);

        // Cancelling stops the wait only: an XADD already sent may still be acknowledged and recorded.
        await buffer.EnqueueAsync(prepared).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disconnects; the host calls it after the server has finished its requests.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            await buffer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
