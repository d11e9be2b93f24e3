namespace DecisionLedger.Merkle;

/// <summary>
/// Persists the full tiles of a <see cref="MerkleTree"/> so proofs cost O(log n) reads.
/// </summary>
/// <remarks>
/// A store holds full tiles only. Tiles are immutable once written: a store must refuse to
/// overwrite a tile with different content (the SQLite store forbids UPDATE and DELETE).
/// Writing a tile again with identical content is allowed, so a tree restored at an older
/// size can re-append and flush without failing.
/// </remarks>
public interface ITileStore
{
    /// <summary>Reads one full tile.</summary>
    /// <param name="id">The tile to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The tile, or <see langword="null"/> when the store does not hold it.</returns>
    ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default);

    /// <summary>Writes full tiles; callers write them in the transaction that appends their entries.</summary>
    /// <param name="tiles">The tiles to write, each with its id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="InvalidOperationException">A tile with the same id but different content is already stored.</exception>
    ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default);
}
