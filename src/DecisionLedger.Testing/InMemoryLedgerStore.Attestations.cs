using DecisionLedger.Storage;

namespace DecisionLedger.Testing;

/// <summary>The attestation facet of the store: witness cosignatures and time-stamp tokens kept beside the checkpoints.</summary>
public sealed partial class InMemoryLedgerStore : ICheckpointAttestationStore
{
    /// <inheritdoc />
    public ValueTask<bool> AddAttestationAsync(CheckpointAttestation attestation, CancellationToken cancellationToken = default)
    {
        CheckpointAttestationChecks.ThrowIfInvalid(attestation);
        cancellationToken.ThrowIfCancellationRequested();
        lock (Data.Gate)
        {
            // The value is copied: the caller may reuse its buffer, and a stored attestation never changes.
            if (Data.CheckpointAttestations.Exists(held => held.TreeSize == attestation.TreeSize && held.Kind == attestation.Kind && string.Equals(held.Source, attestation.Source, StringComparison.Ordinal)))
            {
                return ValueTask.FromResult(false);
            }

            Data.CheckpointAttestations.Add(attestation with { Value = attestation.Value.ToArray() });
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CheckpointAttestation>> ReadAttestationsAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Data.Gate)
        {
            return ValueTask.FromResult<IReadOnlyList<CheckpointAttestation>>(Data.CheckpointAttestations.FindAll(held => held.TreeSize == treeSize));
        }
    }
}
