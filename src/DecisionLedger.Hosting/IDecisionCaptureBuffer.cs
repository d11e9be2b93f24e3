using DecisionLedger.Ledger;
using DecisionLedger.Decisions;

namespace DecisionLedger.Hosting;

/// <summary>
/// A durable buffer that captured decisions go to instead of the in-process recorder (e.g. the
/// Redis stream registered by <c>UseRedisBuffer</c>); a sequencer records them into the ledger.
/// When one is registered, the host opens the ledger directory only for its fingerprint key and
/// redaction policy and never writes the ledger itself.
/// </summary>
public interface IDecisionCaptureBuffer : IAsyncDisposable
{
    /// <summary>Connects, with the privacy step of <paramref name="ledger"/>; called once when the host starts.</summary>
    /// <param name="ledger">The ledger directory the sequencer records into (fingerprint key, redaction policy, origin).</param>
    /// <param name="cancellationToken">Stops connecting.</param>
    /// <returns>A task completing once the buffer accepts decisions.</returns>
    Task StartAsync(LedgerDirectory ledger, CancellationToken cancellationToken);

    /// <summary>Validates, fingerprints, redacts and buffers one decision; completes once the buffer acknowledged it.</summary>
    /// <param name="decision">The captured decision.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement.</param>
    /// <returns>A task completing once the decision is durable in the buffer; it fails when it is not.</returns>
    Task EnqueueAsync(Decision decision, CancellationToken cancellationToken);
}
