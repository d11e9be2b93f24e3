using DecisionLedger.Storage;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>Reads checkpoints with their cosignatures from a store, for serving: one size, or the newest published.</summary>
public static class CosignedCheckpoints
{
    /// <summary>How many of the newest checkpoints are searched for a published one.</summary>
    public const int SearchDepth = 256;

    /// <summary>The checkpoint of size <paramref name="treeSize"/> with its valid cosignatures, or null when the ledger signed none of that size.</summary>
    /// <param name="store">The ledger's store (attestations are read when it keeps them).</param>
    /// <param name="policy">The witnesses to trust and the quorum.</param>
    /// <param name="treeSize">The checkpoint's size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The cosigned note, or null.</returns>
    public static async ValueTask<CosignedNote?> ForSizeAsync(ILedgerStore store, WitnessPolicy policy, long treeSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        StoredCheckpoint? found = null;
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            // A size signed twice (e.g. a restart with no new entries) has one root; the newest note wins.
            if (checkpoint.TreeSize == treeSize)
            {
                found = checkpoint;
            }
        }

        return found is null ? null : await AttachAsync(store, found, policy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest checkpoint whose cosignatures meet the quorum (among the <see cref="SearchDepth"/> newest), or null.</summary>
    /// <param name="store">The ledger's store.</param>
    /// <param name="policy">The witnesses to trust and the quorum.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The newest published cosigned note, or null when none is.</returns>
    public static async ValueTask<CosignedNote?> LatestPublishedAsync(ILedgerStore store, WitnessPolicy policy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        StoredCheckpoint? latest = await store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            return null;
        }

        CosignedNote newest = await AttachAsync(store, latest, policy, cancellationToken).ConfigureAwait(false);
        if (newest.Published)
        {
            return newest;
        }

        var recent = new Queue<StoredCheckpoint>(SearchDepth);
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (recent.Count == SearchDepth)
            {
                recent.Dequeue();
            }

            recent.Enqueue(checkpoint);
        }

        foreach (StoredCheckpoint checkpoint in recent.Reverse())
        {
            if (checkpoint.TreeSize < latest.TreeSize)
            {
                CosignedNote candidate = await AttachAsync(store, checkpoint, policy, cancellationToken).ConfigureAwait(false);
                if (candidate.Published)
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static async ValueTask<CosignedNote> AttachAsync(ILedgerStore store, StoredCheckpoint checkpoint, WitnessPolicy policy, CancellationToken cancellationToken)
    {
        IReadOnlyList<CheckpointAttestation> attestations = store is ICheckpointAttestationStore held
            ? await held.ReadAttestationsAsync(checkpoint.TreeSize, cancellationToken).ConfigureAwait(false)
            : [];
        return CosignedNote.Build(checkpoint, attestations, policy);
    }
}
