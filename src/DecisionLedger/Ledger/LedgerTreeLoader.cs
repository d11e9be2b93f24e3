using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Ledger;

/// <summary>Rebuilds the in-memory right edge of a ledger's Merkle tree from its store.</summary>
internal static class LedgerTreeLoader
{
    /// <summary>
    /// Restores the tree at <paramref name="size"/> from the store's full tiles and the leaf
    /// hashes of the trailing partial tile.
    /// </summary>
    public static async ValueTask<MerkleTree> LoadAsync(ILedgerStore store, long size, CancellationToken cancellationToken)
    {
        long tailStart = size - (size % Tile.Width);
        IReadOnlyList<Hashing.Sha256Hash> tail = await store.ReadLeafHashesAsync(tailStart, size, cancellationToken).ConfigureAwait(false);
        if (tail.Count != size - tailStart)
        {
            throw new LedgerStoreException(
                $"The store reports {size} entries but holds only {tailStart + tail.Count}: entries from seq {tailStart + tail.Count} are missing (tail truncated). Run 'dledger verify' to locate the damage.");
        }

        return await MerkleTree.RestoreAsync(store, size, tail, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the store and restores the tree, refusing a store whose tail does not match its
    /// newest signed checkpoint (a torn or rolled-back tail).
    /// </summary>
    public static async ValueTask<(LedgerHead Head, MerkleTree Tree)> OpenAsync(ILedgerStore store, CancellationToken cancellationToken)
    {
        LedgerHead head = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (head.LatestCheckpoint is { } checkpoint && checkpoint.TreeSize > head.Size)
        {
            throw new LedgerStoreException(
                $"The newest checkpoint covers {checkpoint.TreeSize} entries but the store holds {head.Size}: the tail from seq {head.Size} was truncated. Run 'dledger verify' for details.");
        }

        MerkleTree tree = await LoadAsync(store, head.Size, cancellationToken).ConfigureAwait(false);
        if (head.LatestCheckpoint is { } latest)
        {
            Hashing.Sha256Hash root = await tree.GetRootAsync(latest.TreeSize, cancellationToken).ConfigureAwait(false);
            if (root != latest.RootHash)
            {
                throw new LedgerStoreException(
                    $"The stored entries do not match the newest checkpoint at tree size {latest.TreeSize} (root {root.ToBase64()} ≠ signed {latest.RootHash.ToBase64()}): the ledger was altered. Run 'dledger verify' to find the first bad seq.");
            }
        }

        return (head, tree);
    }
}
