using System.Collections.Concurrent;

namespace DecisionLedger.Merkle;

/// <summary>
/// A thread-safe <see cref="ITileStore"/> in memory, for tests, benchmarks and ephemeral ledgers.
/// </summary>
/// <remarks>
/// It keeps the <see cref="Tile"/> objects themselves, so a read costs a dictionary lookup and no
/// hashing. Nothing survives the process.
/// </remarks>
internal sealed class InMemoryTileStore : ITileStore
{
    private readonly ConcurrentDictionary<TileId, Tile> _tiles = new();

    /// <summary>The number of tiles held.</summary>
    public int Count => _tiles.Count;

    /// <inheritdoc />
    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<Tile?>(_tiles.TryGetValue(id, out Tile? tile) ? tile : null);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="tiles"/> or one of its tiles is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A tile id has a negative level or index.</exception>
    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        cancellationToken.ThrowIfCancellationRequested();

        // Validate the whole batch first so a bad argument writes nothing.
        for (int i = 0; i < tiles.Count; i++)
        {
            (TileId id, Tile tile) = tiles[i];
            if (tile is null)
            {
                throw new ArgumentNullException(nameof(tiles), $"The tile at position {i} (id {id}) is null.");
            }

            if (id.Level < 0 || id.Index < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(tiles), id, $"The tile id at position {i} must have a non-negative level and index.");
            }
        }

        for (int i = 0; i < tiles.Count; i++)
        {
            (TileId id, Tile tile) = tiles[i];
            Tile stored = _tiles.GetOrAdd(id, tile);
            if (!ReferenceEquals(stored, tile) && !stored.BaseEquals(tile))
            {
                throw new InvalidOperationException(
                    $"Tile {id} is already stored with different content; tiles are immutable once written. " +
                    "Two trees with different leaves must not share a tile store.");
            }
        }

        return default;
    }
}
