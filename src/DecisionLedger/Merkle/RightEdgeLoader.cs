using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// Rebuilds the right edge of a <see cref="MerkleTree"/> (one partial tile per tile-level) from the leaf hashes
/// of its trailing partial level-0 tile and the tops of full tiles read from the store.
/// </summary>
internal static class RightEdgeLoader
{
    /// <summary>Replaces the contents of <paramref name="rightEdge"/> with the right edge of a tree of <paramref name="size"/> leaves (arguments already checked).</summary>
    /// <exception cref="InvalidOperationException">The store is missing a tile the right edge needs.</exception>
    public static async ValueTask LoadAsync(
        List<PartialTile> rightEdge,
        ITileStore store,
        long size,
        IReadOnlyList<Sha256Hash> tailLeafHashes,
        CancellationToken cancellationToken)
    {
        rightEdge.Clear();
        for (int tileLevel = 0; tileLevel < MerkleTree.MaxTileLevels; tileLevel++)
        {
            long nodesAtLevel = MerkleTree.ShiftRight(size, tileLevel * Tile.Height);
            if (tileLevel > 0 && nodesAtLevel == 0)
            {
                break;
            }

            var partial = new PartialTile(nodesAtLevel / Tile.Width);
            int count = (int)(nodesAtLevel % Tile.Width);
            if (tileLevel == 0)
            {
                for (int i = 0; i < count; i++)
                {
                    partial.Append(tailLeafHashes[i]);
                }
            }
            else
            {
                // The bases of a partial tile at this level are the tops of full tiles one level down.
                long firstChild = partial.Index * Tile.Width;
                for (int i = 0; i < count; i++)
                {
                    var id = new TileId(tileLevel - 1, firstChild + i);
                    Tile child = await store.ReadTileAsync(id, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException(
                            $"Cannot restore a tree of size {size}: tile {id} is missing from the tile store. " +
                            "The store must hold every full tile of the tree; were the completed tiles persisted with their entries?");
                    partial.Append(child.Top);
                }
            }

            rightEdge.Add(partial);
        }
    }
}
