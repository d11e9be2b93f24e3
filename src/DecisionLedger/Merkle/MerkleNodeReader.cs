using DecisionLedger.Hashing;

namespace DecisionLedger.Merkle;

/// <summary>
/// Reads the complete nodes of a <see cref="MerkleTree"/> for its proofs: from the right edge in memory, the
/// completed tiles not yet persisted, a one-tile-per-level cache, or the <see cref="ITileStore"/>.
/// </summary>
internal sealed class MerkleNodeReader(MerkleTree tree, ITileStore store, UnpersistedTiles unpersisted)
{
    private readonly MerkleTree _tree = tree;
    private readonly ITileStore _store = store;
    private readonly UnpersistedTiles _unpersisted = unpersisted;

    // The last full tile read per tile-level: consecutive path nodes mostly share a tile, and full
    // tiles are immutable, so the cache never goes stale.
    private readonly Tile?[] _cachedTiles = new Tile?[MerkleTree.MaxTileLevels];
    private readonly long[] _cachedTileIndexes = new long[MerkleTree.MaxTileLevels];

    /// <summary>
    /// A complete node (level, index): from the partial tile on the right edge, the unpersisted tiles, the
    /// per-level cache or the store. Synchronous whenever the store answers synchronously.
    /// </summary>
    public ValueTask<Sha256Hash> GetNodeAsync(int level, long index, CancellationToken cancellationToken)
    {
        int tileLevel = level / Tile.Height;
        int levelInTile = level % Tile.Height;
        long tileIndex = index >> (Tile.Height - levelInTile);
        int indexInTile = (int)(index & ((Tile.Width >> levelInTile) - 1));

        // Tile (t, N) is full when the tree has (N + 1) × 256 nodes at tree-level 8t.
        if (tileIndex >= MerkleTree.ShiftRight(_tree.Size, (tileLevel + 1) * Tile.Height))
        {
            return new ValueTask<Sha256Hash>(_tree.RightEdge(tileLevel).GetNode(levelInTile, indexInTile));
        }

        if (_cachedTiles[tileLevel] is { } cached && _cachedTileIndexes[tileLevel] == tileIndex)
        {
            return new ValueTask<Sha256Hash>(cached.GetNodeUnchecked(levelInTile, indexInTile));
        }

        var id = new TileId(tileLevel, tileIndex);
        if (_unpersisted.TryGet(id, out Tile? pending))
        {
            return new ValueTask<Sha256Hash>(Remember(id, pending).GetNodeUnchecked(levelInTile, indexInTile));
        }

        ValueTask<Tile?> read = _store.ReadTileAsync(id, cancellationToken);
        if (read.IsCompletedSuccessfully)
        {
            Tile tile = read.Result ?? throw MissingTile(id);
            return new ValueTask<Sha256Hash>(Remember(id, tile).GetNodeUnchecked(levelInTile, indexInTile));
        }

        return AwaitNodeAsync(read, id, levelInTile, indexInTile);
    }

    private async ValueTask<Sha256Hash> AwaitNodeAsync(ValueTask<Tile?> read, TileId id, int levelInTile, int indexInTile)
    {
        Tile tile = await read.ConfigureAwait(false) ?? throw MissingTile(id);
        return Remember(id, tile).GetNodeUnchecked(levelInTile, indexInTile);
    }

    private Tile Remember(TileId id, Tile tile)
    {
        _cachedTiles[id.Level] = tile;
        _cachedTileIndexes[id.Level] = id.Index;
        return tile;
    }

    private InvalidOperationException MissingTile(TileId id) => new(
        $"Tile {id} is missing from the tile store, but the tree of size {_tree.Size} needs it. " +
        "Completed tiles must be written to the store (TakeCompletedTiles or FlushCompletedTilesAsync) before proofs are asked for.");
}
