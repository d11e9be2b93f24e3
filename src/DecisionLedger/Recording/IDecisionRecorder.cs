using DecisionLedger.Decisions;

namespace DecisionLedger.Recording;

/// <summary>
/// Records decisions in the ledger. The hot path (<see cref="Record"/>) validates cheaply
/// and enqueues; a single background batcher hashes, stores and checkpoints.
/// </summary>
public interface IDecisionRecorder
{
    /// <summary>
    /// Enqueues a decision and returns at once with its request id (assigned when absent).
    /// Durability follows shortly; failures are logged and counted, never silent.
    /// </summary>
    /// <param name="decision">A parsed, validated decision.</param>
    /// <returns>The decision's request id.</returns>
    /// <exception cref="LedgerQueueFullException">The queue is full and the policy is <see cref="QueueFullPolicy.Reject"/>.</exception>
    /// <exception cref="ObjectDisposedException">The recorder is shutting down.</exception>
    string Record(Decision decision);

    /// <summary>Records a decision and completes once it is durable in the store.</summary>
    /// <param name="decision">A parsed, validated decision.</param>
    /// <param name="cancellationToken">Stops waiting; the decision may still be recorded.</param>
    /// <returns>The receipt: seq, request id and leaf hash.</returns>
    /// <exception cref="DuplicateRequestIdException">The ledger already holds the request id.</exception>
    /// <exception cref="LedgerQueueFullException">The queue is full and the policy is <see cref="QueueFullPolicy.Reject"/>.</exception>
    /// <exception cref="Storage.LedgerStoreException">The store failed after retries; the decision is not recorded.</exception>
    ValueTask<RecordReceipt> RecordAsync(Decision decision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a decision and completes once it is durable; with <paramref name="includeProof"/>, once
    /// a signed checkpoint also covers it (within <see cref="LedgerOptions.CheckpointMinInterval"/> of
    /// the commit, by default 250 ms), the receipt then carrying that checkpoint and the entry's
    /// inclusion proof against it: evidence on its own.
    /// </summary>
    /// <param name="decision">A parsed, validated decision.</param>
    /// <param name="includeProof">Whether to wait for the covering checkpoint and attach it with the inclusion proof.</param>
    /// <param name="cancellationToken">Stops waiting; the decision may still be recorded.</param>
    /// <returns>The receipt: seq, request id, leaf hash, and with <paramref name="includeProof"/> the checkpoint and proof.</returns>
    /// <exception cref="DuplicateRequestIdException">The ledger already holds the request id.</exception>
    /// <exception cref="LedgerQueueFullException">The queue is full and the policy is <see cref="QueueFullPolicy.Reject"/>.</exception>
    /// <exception cref="Storage.LedgerStoreException">The store failed after retries; the decision is not recorded.</exception>
    /// <exception cref="NotSupportedException">This recorder cannot attach proofs (the default for implementations other than <see cref="DecisionRecorder"/>).</exception>
    ValueTask<RecordReceipt> RecordAsync(Decision decision, bool includeProof, CancellationToken cancellationToken = default) =>
        includeProof
            ? throw new NotSupportedException($"{GetType().Name} cannot attach inclusion proofs to receipts; use DecisionRecorder, or ask for proofs with LedgerProver.")
            : RecordAsync(decision, cancellationToken);

    /// <summary>Waits until everything enqueued so far is durable (or failed).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);
}
