using DecisionLedger.Storage;

namespace DecisionLedger.Archiving;

// Checkpoints never leave the live store, and neither do their cosignatures and time-stamp tokens:
// the view forwards them, so a bundle exported through it still carries what outsiders attested.
public sealed partial class ArchiveBackedLedgerStore
{
    /// <inheritdoc />
    ValueTask<bool> ICheckpointAttestationStore.AddAttestationAsync(CheckpointAttestation attestation, CancellationToken cancellationToken) =>
        _live is ICheckpointAttestationStore attestations
            ? attestations.AddAttestationAsync(attestation, cancellationToken)
            : throw new LedgerStoreException("The live store keeps no checkpoint attestations.");

    /// <inheritdoc />
    ValueTask<IReadOnlyList<CheckpointAttestation>> ICheckpointAttestationStore.ReadAttestationsAsync(long treeSize, CancellationToken cancellationToken) =>
        _live is ICheckpointAttestationStore attestations
            ? attestations.ReadAttestationsAsync(treeSize, cancellationToken)
            : ValueTask.FromResult<IReadOnlyList<CheckpointAttestation>>([]);
}
