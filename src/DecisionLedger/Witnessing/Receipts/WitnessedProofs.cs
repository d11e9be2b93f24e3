using DecisionLedger.Ledger;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Witnessing.Publishing;

namespace DecisionLedger.Witnessing.Receipts;

/// <summary>
/// Finds, for an entry a receipt names, the published checkpoint that upgrades the receipt: the
/// receipt's own checkpoint once its cosignatures meet the quorum, else the newest published one that
/// covers the entry and is not older than the receipt's checkpoint (the publisher skips checkpoints
/// signed while witnesses were being asked, so a receipt's own may never be cosigned).
/// </summary>
public static class WitnessedProofs
{
    /// <summary>The witnessed proof of entry <paramref name="seq"/>, or null while no published checkpoint covers it.</summary>
    /// <param name="store">The ledger's store; cosignatures and tokens are read when it keeps them.</param>
    /// <param name="prover">A prover over the same store.</param>
    /// <param name="policy">The witnesses to trust and the quorum (<c>quorum none</c> accepts every signed checkpoint).</param>
    /// <param name="seq">The entry's seq.</param>
    /// <param name="receiptTreeSize">The size of the checkpoint the receipt already carries, or null when it carries none.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The witnessed proof, or null.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seq"/> is negative.</exception>
    public static async ValueTask<WitnessedProof?> FindAsync(ILedgerStore store, LedgerProver prover, WitnessPolicy policy, long seq, long? receiptTreeSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(prover);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        CosignedNote? chosen = null;
        if (receiptTreeSize is { } own && await CosignedCheckpoints.ForSizeAsync(store, policy, own, cancellationToken).ConfigureAwait(false) is { Published: true } same)
        {
            chosen = same;
        }
        else if (await CosignedCheckpoints.LatestPublishedAsync(store, policy, cancellationToken).ConfigureAwait(false) is { } latest
            && latest.Checkpoint.TreeSize > seq
            && latest.Checkpoint.TreeSize >= (receiptTreeSize ?? 0))
        {
            chosen = latest;
        }

        if (chosen is null)
        {
            return null;
        }

        long size = chosen.Checkpoint.TreeSize;
        InclusionProof inclusion = await prover.ProveInclusionAsync(seq, size, cancellationToken).ConfigureAwait(false);
        ConsistencyProof? consistency = receiptTreeSize is { } from && from > 0 && from < size
            ? await prover.ProveConsistencyAsync(from, size, cancellationToken).ConfigureAwait(false)
            : null;
        return new WitnessedProof(chosen.Note, inclusion, consistency, await TimestampsAsync(store, chosen.Checkpoint, cancellationToken).ConfigureAwait(false));
    }

    private static async ValueTask<IReadOnlyList<KeyValuePair<string, byte[]>>> TimestampsAsync(ILedgerStore store, StoredCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        if (store is not ICheckpointAttestationStore held)
        {
            return [];
        }

        var tokens = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (CheckpointAttestation attestation in await held.ReadAttestationsAsync(checkpoint.TreeSize, cancellationToken).ConfigureAwait(false))
        {
            if (attestation.Kind == CheckpointAttestationKind.Timestamp && attestation.RootHash == checkpoint.RootHash)
            {
                tokens.TryAdd(attestation.Source, attestation.Value.ToArray());
            }
        }

        return [.. tokens];
    }
}
