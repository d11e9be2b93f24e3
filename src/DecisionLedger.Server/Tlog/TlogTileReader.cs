using System.Buffers.Binary;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;

namespace DecisionLedger.Server.Tlog;

/// <summary>
/// Reads the bytes of <c>tlog-tiles</c> resources from a ledger's log, for a tree of a given size (the newest
/// checkpoint's): full tiles straight from the tile store, partial ones from leaf hashes or the tops of the
/// full tiles one level down.
/// </summary>
internal static class TlogTileReader
{
    /// <summary>
    /// The bytes of <paramref name="tile"/> in a tree of <paramref name="treeSize"/> leaves, or null when the tile
    /// lies beyond that tree. A partial tile is served for any width the tree covers, so a client holding an
    /// older checkpoint still finds the partial tiles its tree size needs.
    /// </summary>
    /// <param name="log">The ledger's log.</param>
    /// <param name="tile">The tile or bundle.</param>
    /// <param name="treeSize">The tree size it is of.</param>
    /// <param name="entriesRead">Receives the entries of a bundle (for the access log); optional.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="TlogEntryTooLargeException">An entry of the bundle is longer than 65,535 bytes.</exception>
    /// <exception cref="InvalidOperationException">The store lacks a tile the tree needs (a damaged store).</exception>
    public static async ValueTask<byte[]?> ReadAsync(ILedgerLog log, TlogTile tile, long treeSize, List<StoredEntry>? entriesRead, CancellationToken cancellationToken)
    {
        int level = tile.IsEntries ? 0 : tile.Level;
        long nodesAtLevel = level * Tile.Height >= 63 ? 0 : treeSize >> (level * Tile.Height);
        if (nodesAtLevel < tile.Width || tile.Index > (nodesAtLevel - tile.Width) / TlogTile.FullWidth)
        {
            return null;
        }

        long start = tile.Index * TlogTile.FullWidth;
        return tile.IsEntries
            ? await ReadBundleAsync(log, tile, start, entriesRead, cancellationToken).ConfigureAwait(false)
            : await ReadHashesAsync(log, tile, start, nodesAtLevel, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<byte[]> ReadHashesAsync(ILedgerLog log, TlogTile tile, long start, long nodesAtLevel, CancellationToken cancellationToken)
    {
        byte[] bytes = new byte[tile.Width * Sha256Hash.Size];
        if (start + TlogTile.FullWidth <= nodesAtLevel)
        {
            // The full tile is stored: a partial request for it is a prefix of its base hashes.
            Tile full = await ReadStoredTileAsync(log, new TileId(tile.Level, tile.Index), cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < tile.Width; i++)
            {
                full.GetNode(0, i).CopyTo(bytes.AsSpan(i * Sha256Hash.Size, Sha256Hash.Size));
            }

            return bytes;
        }

        if (tile.Level == 0)
        {
            IReadOnlyList<Sha256Hash> leaves = await log.ReadLeafHashesAsync(start, start + tile.Width, cancellationToken).ConfigureAwait(false);
            if (leaves.Count != tile.Width)
            {
                throw new InvalidOperationException($"{tile.Path}: the store returned {leaves.Count} leaf hashes for seq {start} to {start + tile.Width - 1}; the log is damaged.");
            }

            for (int i = 0; i < tile.Width; i++)
            {
                leaves[i].CopyTo(bytes.AsSpan(i * Sha256Hash.Size, Sha256Hash.Size));
            }

            return bytes;
        }

        // The right edge above level 0: each hash is the top of a full tile one level down.
        for (int i = 0; i < tile.Width; i++)
        {
            Tile child = await ReadStoredTileAsync(log, new TileId(tile.Level - 1, start + i), cancellationToken).ConfigureAwait(false);
            child.Top.CopyTo(bytes.AsSpan(i * Sha256Hash.Size, Sha256Hash.Size));
        }

        return bytes;
    }

    private static async ValueTask<byte[]> ReadBundleAsync(ILedgerLog log, TlogTile tile, long start, List<StoredEntry>? entriesRead, CancellationToken cancellationToken)
    {
        using var bundle = new MemoryStream();
        byte[] prefix = new byte[sizeof(ushort)];
        long expected = start;
        await foreach (StoredEntry entry in log.ReadEntriesAsync(start, start + tile.Width, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Seq != expected)
            {
                throw new InvalidOperationException($"{tile.Path}: the store returned seq {entry.Seq} where seq {expected} was expected; the log is damaged.");
            }

            if (entry.CanonicalBytes.Length > ushort.MaxValue)
            {
                throw new TlogEntryTooLargeException(tile.Path, entry.Seq, entry.CanonicalBytes.Length);
            }

            BinaryPrimitives.WriteUInt16BigEndian(prefix, (ushort)entry.CanonicalBytes.Length);
            bundle.Write(prefix);
            bundle.Write(entry.CanonicalBytes);
            entriesRead?.Add(entry);
            expected++;
        }

        if (expected != start + tile.Width)
        {
            throw new InvalidOperationException($"{tile.Path}: the store holds entries up to seq {expected - 1}, short of seq {start + tile.Width - 1}; the log is damaged.");
        }

        return bundle.ToArray();
    }

    private static async ValueTask<Tile> ReadStoredTileAsync(ILedgerLog log, TileId id, CancellationToken cancellationToken) =>
        await log.ReadTileAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Tile {id} is missing from the tile store; the store must hold every full tile of the tree.");
}
