using System.Collections.Concurrent;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// Reads the log of a <see cref="PostgreSqlLedgerStore"/> that the other readers share: the
/// schema version check, the head (with its contiguity check), checkpoints, single entries and
/// tiles (through a bounded cache).
/// </summary>
internal sealed class PostgreSqlLogReader(PostgreSqlConnections db, string schema)
{
    private const int TileCacheCapacity = 1024;
    private readonly ConcurrentDictionary<TileId, Tile> _tileCache = new();
    private readonly PostgreSqlConnections _db = db;
    private readonly string _schema = schema;

    private string Target => _db.Target;

    public async Task<bool> CheckVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        long version = await PostgreSqlConnections.ScalarAsync(connection, $"SELECT coalesce(max(version), 0)::bigint FROM {_schema}.schema_migrations;", cancellationToken).ConfigureAwait(false);
        if (version > PostgreSqlSchema.Version)
        {
            throw new LedgerStoreException(
                $"The ledger schema at {Target} has version {version}, newer than this DecisionLedger understands ({PostgreSqlSchema.Version}). Upgrade DecisionLedger to open it.");
        }

        if (version < PostgreSqlSchema.Version)
        {
            throw new LedgerStoreException(
                $"The ledger schema at {Target} has version {version}; this DecisionLedger needs {PostgreSqlSchema.Version}. " +
                "Run the migrations with the owner connection ('dledger migrate --connection …' or PostgreSqlLedgerMigrator.MigrateAsync).");
        }

        return true;
    }

    // The full contiguity check would count every row; the tail since the latest checkpoint is
    // what a crash or a manual delete can tear unnoticed, and 'dledger verify' checks the rest.
    public async Task<LedgerHead> ReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        StoredCheckpoint? latest = await ReadLatestCheckpointAsync(connection, cancellationToken).ConfigureAwait(false);
        long size = await PostgreSqlConnections.ScalarAsync(connection, $"SELECT coalesce(max(seq) + 1, 0) FROM {_schema}.request_ids;", cancellationToken).ConfigureAwait(false);
        if (size == 0)
        {
            long stray = await PostgreSqlConnections.ScalarAsync(connection, $"SELECT count(*) FROM (SELECT 1 FROM {_schema}.entries LIMIT 1) e;", cancellationToken).ConfigureAwait(false);
            if (stray > 0)
            {
                throw Damaged("it holds entries but no request ids", 0);
            }

            return new LedgerHead(0, latest);
        }

        long min = await PostgreSqlConnections.ScalarAsync(connection, $"SELECT min(seq) FROM {_schema}.request_ids;", cancellationToken).ConfigureAwait(false);
        if (min != 0)
        {
            throw Damaged(min < 0 ? $"request_ids holds a row at seq {min}, below seq 0, which no entry can have (request_ids.seq)" : $"seq 0 missing (the lowest seq in request_ids is {min})", 0);
        }

        long tail = Math.Clamp(latest?.TreeSize ?? 0, 0, size);
        foreach (string table in new[] { "request_ids", "entries" })
        {
            long count = await PostgreSqlConnections.ScalarAsync(connection, $"SELECT count(*) FROM {_schema}.{table} WHERE seq >= @tail;", cancellationToken, PostgreSqlConnections.Bigint("tail", tail)).ConfigureAwait(false);
            if (count != size - tail)
            {
                long missing = await PostgreSqlConnections.ScalarAsync(
                    connection,
                    $"SELECT s FROM generate_series(@tail, @last) s WHERE NOT EXISTS (SELECT 1 FROM {_schema}.{table} t WHERE t.seq = s) ORDER BY s LIMIT 1;",
                    cancellationToken,
                    PostgreSqlConnections.Bigint("tail", tail),
                    PostgreSqlConnections.Bigint("last", size - 1)).ConfigureAwait(false);
                throw Damaged(table == "entries"
                    ? $"seq {missing} missing from entries (it holds {count} of the {size - tail} rows from seq {tail} to {size - 1}), though request_ids holds a row for it: an entry was deleted, or a request_ids row pointing at no entry was added (request_ids.seq)"
                    : $"seq {missing} missing from {table} (it holds {count} of the {size - tail} rows from seq {tail} to {size - 1})", missing);
            }
        }

        return new LedgerHead(size, latest);
    }

    public LedgerStoreException Damaged(string what, long seq) => new(
        $"The ledger at {Target} is damaged: {what}; rows were deleted outside DecisionLedger (first bad seq {seq}). " +
        "Do not append to it: run 'dledger verify' and restore the database from a backup.");

    public async Task<StoredCheckpoint?> ReadLatestCheckpointAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT tree_size, root, note, created_at FROM {_schema}.checkpoints ORDER BY id DESC LIMIT 1;", connection);
        await using var commandScope = command.ConfigureAwait(false);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? CheckpointReader()(reader) : null;
    }

    public Func<NpgsqlDataReader, StoredCheckpoint> CheckpointReader()
    {
        byte[] scratch = new byte[Sha256Hash.Size];
        return reader =>
        {
            long treeSize = reader.GetInt64(0);
            return new StoredCheckpoint(treeSize, PostgreSqlRows.ReadHash(reader, 1, scratch, Target, treeSize), reader.GetString(2), PostgreSqlRows.ReadTimestamp(reader, 3));
        };
    }

    public Func<Func<NpgsqlDataReader, StoredEntry>> EntryReader() => () =>
    {
        byte[] scratch = new byte[Sha256Hash.Size];
        return reader => PostgreSqlRows.ReadEntry(reader, scratch, Target);
    };

    public async Task<StoredEntry?> ReadOneEntryAsync(NpgsqlConnection connection, string predicate, NpgsqlParameter parameter, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {PostgreSqlSchema.EntryColumns} FROM {_schema}.entries WHERE {predicate};", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(parameter);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? PostgreSqlRows.ReadEntry(reader, new byte[Sha256Hash.Size], Target) : null;
    }

    public async ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default)
    {
        // Tiles never change once stored, so a cached one is always right.
        if (_tileCache.TryGetValue(id, out Tile? cached))
        {
            return cached;
        }

        Tile? tile = await _db.ReadAsync($"read tile {id}", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT data FROM {_schema}.tiles WHERE level = @level AND idx = @idx;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<int>("level", NpgsqlDbType.Integer) { TypedValue = id.Level });
            command.Parameters.Add(PostgreSqlConnections.Bigint("idx", id.Index));
            if (await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not byte[] data)
            {
                return null;
            }

            if (data.Length != Tile.BaseByteLength)
            {
                throw new LedgerStoreException(
                    $"{Target} holds tile {id} with {data.Length} bytes instead of {Tile.BaseByteLength}: the data was altered. Run 'dledger verify' and restore from a backup.");
            }

            return Tile.FromBaseBytes(data);
        }, cancellationToken).ConfigureAwait(false);

        if (tile is not null)
        {
            if (_tileCache.Count >= TileCacheCapacity)
            {
                _tileCache.Clear();
            }

            _tileCache[id] = tile;
        }

        return tile;
    }
}
