namespace DecisionLedger.Storage;

/// <summary>
/// Where a ledger keeps the cosignatures and time-stamp tokens outsiders gave its checkpoints.
/// A store implements it beside <see cref="ILedgerLog"/>; callers discover it with a type test.
/// </summary>
public interface ICheckpointAttestationStore
{
    /// <summary>
    /// Stores <paramref name="attestation"/> durably. Idempotent on (tree size, kind, source): a second
    /// attestation from the same source for the same checkpoint is ignored, never replaces the first.
    /// </summary>
    /// <param name="attestation">The attestation to keep.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when stored; <see langword="false"/> when one from that source was already held.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<bool> AddAttestationAsync(CheckpointAttestation attestation, CancellationToken cancellationToken = default);

    /// <summary>Reads the attestations of the checkpoint of size <paramref name="treeSize"/>, in the order they were stored.</summary>
    /// <param name="treeSize">The checkpoint's tree size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The attestations; empty when there are none.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<IReadOnlyList<CheckpointAttestation>> ReadAttestationsAsync(long treeSize, CancellationToken cancellationToken = default);
}
