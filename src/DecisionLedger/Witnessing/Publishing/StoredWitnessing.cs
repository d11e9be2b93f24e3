using DecisionLedger.Storage;

namespace DecisionLedger.Witnessing.Publishing;

/// <summary>
/// What the ledger's store says about witnessing, for a process that does not publish itself (a
/// collector in front of a Redis buffer: the elected sequencer asks the witnesses): the newest
/// checkpoint, whether it and which newest one are published, and the largest size each witness
/// cosigned. Failures, retries and split views live only in the publishing process.
/// </summary>
/// <param name="LatestSize">The newest signed checkpoint's size, or null before the first.</param>
/// <param name="LatestPublished">Whether the newest checkpoint has the quorum of cosignatures.</param>
/// <param name="PublishedSize">The newest published checkpoint's size (among the <see cref="CosignedCheckpoints.SearchDepth"/> newest), or null.</param>
/// <param name="Witnesses">Per policy witness name, the largest size it cosigned (among those checkpoints) and when the ledger stored that cosignature; absent when none.</param>
/// <param name="ReadAt">When the store was read.</param>
public sealed record StoredWitnessing(
    long? LatestSize,
    bool LatestPublished,
    long? PublishedSize,
    IReadOnlyDictionary<string, (long CosignedSize, DateTimeOffset ObtainedAt)> Witnesses,
    DateTimeOffset ReadAt)
{
    /// <summary>Reads the state from the store.</summary>
    /// <param name="store">The ledger's store (attestations are read when it keeps them).</param>
    /// <param name="policy">The witnesses to trust and the quorum.</param>
    /// <param name="now">The time to stamp the reading with.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The state.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async ValueTask<StoredWitnessing> ReadAsync(ILedgerStore store, WitnessPolicy policy, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(policy);
        var witnesses = new Dictionary<string, (long, DateTimeOffset)>(StringComparer.Ordinal);
        StoredCheckpoint? latest = await store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false);
        if (latest is null || store is not ICheckpointAttestationStore held)
        {
            return new StoredWitnessing(latest?.TreeSize, false, null, witnesses, now);
        }

        var recent = new Queue<StoredCheckpoint>(CosignedCheckpoints.SearchDepth);
        await foreach (StoredCheckpoint checkpoint in store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (recent.Count == CosignedCheckpoints.SearchDepth)
            {
                recent.Dequeue();
            }

            recent.Enqueue(checkpoint);
        }

        bool? latestPublished = null;
        long? publishedSize = null;
        long seenSize = long.MaxValue;
        foreach (StoredCheckpoint checkpoint in recent.Reverse())
        {
            // A size signed twice (a restart without new entries) has one root and one set of attestations.
            if (checkpoint.TreeSize >= seenSize)
            {
                continue;
            }

            seenSize = checkpoint.TreeSize;
            IReadOnlyList<CheckpointAttestation> attestations = await held.ReadAttestationsAsync(checkpoint.TreeSize, cancellationToken).ConfigureAwait(false);
            CosignedNote note = CosignedNote.Build(checkpoint, attestations, policy);
            latestPublished ??= note.Published;
            if (note.Published)
            {
                publishedSize ??= checkpoint.TreeSize;
            }

            foreach (PolicyWitness witness in note.Cosigners)
            {
                if (!witnesses.ContainsKey(witness.Name))
                {
                    DateTimeOffset obtained = attestations.Where(a => a.Kind == CheckpointAttestationKind.Cosignature && a.Source == witness.Verifier.Name).Select(a => a.ObtainedAt).DefaultIfEmpty(now).Max();
                    witnesses[witness.Name] = (checkpoint.TreeSize, obtained);
                }
            }

            if (publishedSize is not null && witnesses.Count == policy.Witnesses.Count)
            {
                break;
            }
        }

        return new StoredWitnessing(latest.TreeSize, latestPublished ?? false, publishedSize, witnesses, now);
    }
}
