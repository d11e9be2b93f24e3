using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Reads the Merkle tiles of a <see cref="SqliteLedgerStore"/> through a bounded cache: tiles never
/// change once stored, so a cached one is always right.
/// </summary>
internal sealed class SqliteTileReader(SqliteConnections db)
{
    private const int TileCacheCapacity = 1024;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TileId, Tile> _tileCache = new();
    private readonly SqliteConnections _db = db;

    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Tiles never change once stored, so a cached one is always right; rebuilding a tile's
        // interior costs 255 hashes, which dominates a proof without the cache.
        if (_tileCache.TryGetValue(id, out Tile? cached))
        {
            return new ValueTask<Tile?>(cached);
        }

        Tile? tile = ReadTileFromDatabase(id);
        if (tile is not null)
        {
            if (_tileCache.Count >= TileCacheCapacity)
            {
                // Crude but bounded (~16 MiB): hot upper-level tiles come back on the next proofs.
                _tileCache.Clear();
            }

            _tileCache[id] = tile;
        }

        return new ValueTask<Tile?>(tile);
    }

    private Tile? ReadTileFromDatabase(TileId id)
    {
        return _db.Read($"read tile {id}", connection =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT data FROM tiles WHERE level = @level AND idx = @idx;";
            command.Parameters.AddWithValue("@level", id.Level);
            command.Parameters.AddWithValue("@idx", id.Index);
            if (command.ExecuteScalar() is not byte[] data)
            {
                return null;
            }

            if (data.Length != Tile.BaseByteLength)
            {
                throw new LedgerStoreException(
                    $"The ledger database '{_db.DatabasePath}' holds tile {id} with {data.Length} bytes instead of {Tile.BaseByteLength}: the file was altered. Run 'dledger verify' and restore from a backup.");
            }

            return Tile.FromBaseBytes(data);
        });
    }
}
