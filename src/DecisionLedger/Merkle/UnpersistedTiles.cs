namespace DecisionLedger.Merkle;

/// <summary>
/// Full tiles a <see cref="MerkleTree"/> has completed but the caller has not yet taken to persist: kept in
/// completion order for the caller, and by id so proofs can read them before they reach the store.
/// </summary>
internal sealed class UnpersistedTiles
{
    private readonly Dictionary<TileId, Tile> _pending = [];
    private readonly List<(TileId Id, Tile Tile)> _completed = [];

    public void Add(TileId id, Tile tile)
    {
        _pending.Add(id, tile);
        _completed.Add((id, tile));
    }

    public bool TryGet(TileId id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Tile? tile) => _pending.TryGetValue(id, out tile);

    /// <summary>The tiles in completion order, forgotten here: the caller now owns writing them.</summary>
    public IReadOnlyList<(TileId Id, Tile Tile)> Take()
    {
        if (_completed.Count == 0)
        {
            return [];
        }

        (TileId Id, Tile Tile)[] tiles = [.. _completed];
        _completed.Clear();
        _pending.Clear();
        return tiles;
    }

    /// <summary>Writes the tiles to <paramref name="store"/>, then forgets them.</summary>
    public async ValueTask FlushAsync(ITileStore store, CancellationToken cancellationToken)
    {
        if (_completed.Count == 0)
        {
            return;
        }

        // Write before forgetting, so a failed write leaves the tiles pending and readable.
        (TileId Id, Tile Tile)[] tiles = [.. _completed];
        await store.WriteTilesAsync(tiles, cancellationToken).ConfigureAwait(false);
        _completed.Clear();
        _pending.Clear();
    }
}
