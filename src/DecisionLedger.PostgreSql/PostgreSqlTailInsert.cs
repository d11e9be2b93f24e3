using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The statements that close an append, in one round trip: its Merkle tiles, its checkpoint and
/// the field catalog paths new to this connection.
/// </summary>
/// <remarks>
/// All tiles go in one <c>INSERT … SELECT FROM unnest(…)</c>: a batch of 8,192 entries carries
/// ~35 tiles, and one statement per tile cost the server a parse and a plan each. ON CONFLICT DO
/// NOTHING needs INSERT only, and rewriting a tile with identical content is allowed
/// (<see cref="ITileStore"/>); the statement returns the tiles it inserted, and each one it did not
/// is compared with the stored copy.
/// </remarks>
internal static class PostgreSqlTailInsert
{
    /// <summary>Inserts in one round trip; returns the first tile whose id is stored with different content, or null.</summary>
    public static async Task<TileId?> RunAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        string schema,
        IReadOnlyList<(TileId Id, Tile Tile)> tiles,
        StoredCheckpoint? checkpoint,
        IReadOnlyList<(string Model, string Path)> newPaths,
        CancellationToken cancellationToken)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        await using var batchScope = batch.ConfigureAwait(false);
        var tileData = new byte[tiles.Count][];
        if (tiles.Count > 0)
        {
            var levels = new int[tiles.Count];
            var indexes = new long[tiles.Count];
            for (int i = 0; i < tiles.Count; i++)
            {
                (TileId id, Tile tile) = tiles[i];
                levels[i] = id.Level;
                indexes[i] = id.Index;
                tileData[i] = new byte[Tile.BaseByteLength];
                tile.WriteBase(tileData[i]);
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                $"INSERT INTO {schema}.tiles(level, idx, data) SELECT * FROM unnest($1, $2, $3) ON CONFLICT (level, idx) DO NOTHING RETURNING level, idx;")
            {
                Parameters =
                {
                    new NpgsqlParameter<int[]>(string.Empty, NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = levels },
                    new NpgsqlParameter<long[]>(string.Empty, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = indexes },
                    new NpgsqlParameter<byte[][]>(string.Empty, NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = tileData },
                },
            });
        }

        if (checkpoint is not null)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO {schema}.checkpoints(tree_size, root, note, created_at) VALUES ($1, $2, $3, $4);")
            {
                Parameters =
                {
                    new NpgsqlParameter<long> { TypedValue = checkpoint.TreeSize },
                    new NpgsqlParameter<byte[]> { TypedValue = checkpoint.RootHash.ToArray() },
                    new NpgsqlParameter<string> { TypedValue = checkpoint.SignedNote },
                    new NpgsqlParameter<DateTime>(string.Empty, NpgsqlDbType.TimestampTz) { TypedValue = PostgreSqlRows.ToTimestamp(checkpoint.CreatedAt) },
                },
            });
        }

        if (newPaths.Count > 0)
        {
            batch.BatchCommands.Add(PostgreSqlFieldCatalog.InsertCommand(schema, newPaths));
        }

        if (batch.BatchCommands.Count == 0)
        {
            return null;
        }

        var inserted = new HashSet<(int Level, long Index)>(tiles.Count);
        NpgsqlDataReader reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (tiles.Count > 0)
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    inserted.Add((reader.GetInt32(0), reader.GetInt64(1)));
                }
            }

            // The remaining statements return no rows; closing the reader consumes their results (and raises their errors).
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }

        // A tile the statement did not insert was stored before (or earlier in the same list): compare with the stored copy.
        var first = new Dictionary<(int Level, long Index), int>(tiles.Count);
        for (int i = 0; i < tiles.Count; i++)
        {
            TileId id = tiles[i].Id;
            bool repeated = !first.TryAdd((id.Level, id.Index), i);
            bool matches = repeated
                ? tileData[first[(id.Level, id.Index)]].AsSpan().SequenceEqual(tileData[i])
                : inserted.Contains((id.Level, id.Index)) || await StoredTileEqualsAsync(connection, transaction, schema, id, tileData[i], cancellationToken).ConfigureAwait(false);
            if (!matches)
            {
                return id;
            }
        }

        return null;
    }

    private static async Task<bool> StoredTileEqualsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, TileId id, byte[] data, CancellationToken cancellationToken)
    {
        var select = new NpgsqlCommand($"SELECT data FROM {schema}.tiles WHERE level = @level AND idx = @idx;", connection, transaction);
        await using var selectScope = select.ConfigureAwait(false);
        select.Parameters.Add(new NpgsqlParameter<int>("level", NpgsqlDbType.Integer) { TypedValue = id.Level });
        select.Parameters.Add(new NpgsqlParameter<long>("idx", NpgsqlDbType.Bigint) { TypedValue = id.Index });
        return await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is byte[] stored && stored.AsSpan().SequenceEqual(data);
    }
}
