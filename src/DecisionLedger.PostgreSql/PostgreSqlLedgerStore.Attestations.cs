using DecisionLedger.Storage;

namespace DecisionLedger.PostgreSql;

/// <summary>The attestation facet of the store: witness cosignatures and time-stamp tokens kept beside the checkpoints.</summary>
public sealed partial class PostgreSqlLedgerStore : ICheckpointAttestationStore
{
    /// <inheritdoc />
    public ValueTask<bool> AddAttestationAsync(CheckpointAttestation attestation, CancellationToken cancellationToken = default)
    {
        CheckpointAttestationChecks.ThrowIfInvalid(attestation);
        return new(new PostgreSqlCheckpointAttestations(_db, _schema).AddAsync(attestation, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<CheckpointAttestation>> ReadAttestationsAsync(long treeSize, CancellationToken cancellationToken = default) =>
        new(new PostgreSqlCheckpointAttestations(_db, _schema).ReadAsync(treeSize, cancellationToken));
}
