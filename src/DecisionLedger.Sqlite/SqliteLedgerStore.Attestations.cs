using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite;

/// <summary>The attestation facet of the store: witness cosignatures and time-stamp tokens kept beside the checkpoints.</summary>
public sealed partial class SqliteLedgerStore : ICheckpointAttestationStore
{
    /// <inheritdoc />
    public ValueTask<bool> AddAttestationAsync(CheckpointAttestation attestation, CancellationToken cancellationToken = default)
    {
        CheckpointAttestationChecks.ThrowIfInvalid(attestation);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<bool>(new SqliteCheckpointAttestations(_db).Add(attestation));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CheckpointAttestation>> ReadAttestationsAsync(long treeSize, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<CheckpointAttestation>>(new SqliteCheckpointAttestations(_db).Read(treeSize));
    }
}
