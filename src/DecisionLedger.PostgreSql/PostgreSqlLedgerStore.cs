using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The production ledger store: one PostgreSQL schema whose entries are partitioned by month,
/// kept append-only by grants (the application role may only INSERT and SELECT) and by triggers
/// (which refuse UPDATE, DELETE and TRUNCATE even for the owner). Each <see cref="AppendAsync"/>
/// batch is one transaction written with binary COPY; reads use pooled connections and run
/// concurrently with writes.
/// </summary>
/// <remarks>
/// The schema is created by <see cref="PostgreSqlLedgerMigrator"/> over an owner connection (or
/// by <see cref="OpenAsync"/> when <see cref="PostgreSqlLedgerStoreOptions.MigrateOnOpen"/> is
/// set). Every failure surfaces as a <see cref="LedgerStoreException"/> naming the server,
/// database and schema, what failed, and the fix.
/// </remarks>
public sealed class PostgreSqlLedgerStore : ILedgerStore
{
    private const int TileCacheCapacity = 1024;
    private readonly ConcurrentDictionary<TileId, Tile> _tileCache = new();
    private readonly PostgreSqlLedgerStoreOptions _options;
    private readonly string _connectionString;
    private readonly string _schema;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private PostgreSqlWriter? _writer;
    private bool _opened;
    private volatile bool _disposed;

    /// <summary>Creates a store over the ledger schema reached with <paramref name="connectionString"/>; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="connectionString">An Npgsql connection string, normally of the application role.</param>
    /// <param name="options">Schema, migration, partition and read-only settings; null for the defaults.</param>
    /// <exception cref="ArgumentException">The connection string is empty or invalid, or the schema name is not a plain lowercase identifier.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="PostgreSqlLedgerStoreOptions.PartitionMonthsAhead"/> is negative or above 120.</exception>
    public PostgreSqlLedgerStore(string connectionString, PostgreSqlLedgerStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _options = options ?? new PostgreSqlLedgerStoreOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.PartitionMonthsAhead, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.PartitionMonthsAhead, 120, nameof(options));
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, nameof(options));
        _schema = PostgreSqlSchema.Quote(_options.Schema);
        _connectionString = PostgreSqlTarget.Normalize(connectionString, nameof(connectionString));
        Target = PostgreSqlTarget.Describe(_connectionString, _options.Schema);
        _dataSource = NpgsqlDataSource.Create(_connectionString);
    }

    /// <summary>Where the ledger lives, for messages: <c>PostgreSQL host:port/database (schema s)</c>; never the password.</summary>
    public string Target { get; }

    /// <inheritdoc />
    public async ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_options.ReadOnly && _options.MigrateOnOpen)
        {
            await new PostgreSqlLedgerMigrator(_connectionString, _options.Schema).MigrateAsync(cancellationToken).ConfigureAwait(false);
        }

        await ReadAsync("open the ledger", CheckVersionAsync, cancellationToken).ConfigureAwait(false);
        if (!_options.ReadOnly)
        {
            await WriteAsync("create the entry partitions ahead", async writer =>
            {
                DateTimeOffset now = _options.TimeProvider.GetUtcNow();
                await writer.EnsurePartitionsAsync(now, now.AddMonths(_options.PartitionMonthsAhead), cancellationToken).ConfigureAwait(false);
            }, cancellationToken, opening: true).ConfigureAwait(false);
        }

        LedgerHead head = await ReadAsync("open the ledger", ReadHeadAsync, cancellationToken).ConfigureAwait(false);
        _opened = true;
        return head;
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new ValueTask(WriteAsync($"append a batch of {batch.Entries.Count} entries", writer => writer.AppendAsync(batch, cancellationToken), cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) =>
        new(ReadAsync("read the ledger size", (connection, ct) => ScalarAsync(connection, $"SELECT coalesce(max(seq) + 1, 0) FROM {_schema}.request_ids;", ct), cancellationToken));

    /// <inheritdoc />
    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new ValueTask(WriteAsync("store a checkpoint", writer => writer.AppendCheckpointAsync(checkpoint, cancellationToken), cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default) =>
        new(ReadAsync($"read entry {seq}", (connection, ct) => ReadOneEntryAsync(connection, "seq = @value", new NpgsqlParameter<long>("value", NpgsqlDbType.Bigint) { TypedValue = seq }, ct), cancellationToken));

    /// <inheritdoc />
    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return new(ReadAsync("find an entry by request id", (connection, ct) => ReadOneEntryAsync(
            connection,
            $"seq = (SELECT seq FROM {_schema}.request_ids WHERE request_id = @value) AND request_id = @value",
            new NpgsqlParameter<string>("value", NpgsqlDbType.Text) { TypedValue = requestId },
            ct), cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (requestIds.Count == 0)
        {
            return new ValueTask<IReadOnlySet<string>>(new HashSet<string>(StringComparer.Ordinal));
        }

        return new(ReadAsync("look up request ids", async Task<IReadOnlySet<string>> (connection, ct) =>
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            var command = new NpgsqlCommand($"SELECT request_id FROM {_schema}.request_ids WHERE request_id = ANY(@ids);", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<string[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. requestIds] });
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                found.Add(reader.GetString(0));
            }

            return found;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        StreamAsync(
            "read entries",
            $"SELECT {PostgreSqlSchema.EntryColumns} FROM {_schema}.entries WHERE seq >= @from AND seq < @to ORDER BY seq;",
            [Bigint("from", fromSeq), Bigint("to", toSeq)],
            EntryReader(),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        new(ReadAsync("read leaf hashes", async Task<IReadOnlyList<Sha256Hash>> (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT seq, leaf_hash FROM {_schema}.entries WHERE seq >= @from AND seq < @to ORDER BY seq;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(Bigint("from", fromSeq));
            command.Parameters.Add(Bigint("to", toSeq));
            var hashes = new List<Sha256Hash>((int)Math.Clamp(toSeq - fromSeq, 0, 1 << 16));
            byte[] scratch = new byte[Sha256Hash.Size];
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                hashes.Add(PostgreSqlRows.ReadHash(reader, 1, scratch, Target, reader.GetInt64(0)));
            }

            return hashes;
        }, cancellationToken));

    /// <inheritdoc />
    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default) =>
        new(ReadAsync($"read the input of entry {seq}", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT seq, salt, input FROM {_schema}.inputs WHERE seq = @seq;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(Bigint("seq", seq));
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? PostgreSqlRows.ReadInput(reader) : null;
        }, cancellationToken));

    /// <inheritdoc />
    public IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        StreamAsync<StoredInput>(
            "read inputs",
            $"SELECT seq, salt, input FROM {_schema}.inputs WHERE seq >= @from AND seq < @to ORDER BY seq;",
            [Bigint("from", fromSeq), Bigint("to", toSeq)],
            static () => PostgreSqlRows.ReadInput,
            cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        StreamAsync(
            "read checkpoints",
            $"SELECT tree_size, root, note, created_at FROM {_schema}.checkpoints ORDER BY id;",
            [],
            CheckpointReader,
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        new(ReadAsync("read the latest checkpoint", ReadLatestCheckpointAsync, cancellationToken));

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EntryFilter.Limit"/> is negative.</exception>
    public IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(filter.Limit, nameof(filter));
        var command = new NpgsqlCommand();
        PostgreSqlEntryFilterSql.Apply(command, filter, _schema);
        return StreamAsync("query entries", command, EntryReader(), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default) =>
        new(ReadAsync("read the field catalog", (connection, ct) => PostgreSqlFieldCatalog.ReadAsync(connection, _schema, modelName, ct), cancellationToken));

    /// <inheritdoc />
    /// <remarks>
    /// PostgreSQL keeps a deleted row's bytes until VACUUM reclaims the page, and in its WAL and
    /// backups until they are recycled; the store cannot scrub those. Encrypt inputs under
    /// per-subject keys (crypto-shredding) where erasure must be immediate: see docs/deployment.md.
    /// </remarks>
    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        ThrowIfReadOnly($"delete {seqs.Count} stored inputs");
        return new(ReadAsync($"delete {seqs.Count} stored inputs", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"DELETE FROM {_schema}.inputs WHERE seq = ANY(@seqs);", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<long[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. seqs] });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        if (subjectIds.Count == 0)
        {
            return new ValueTask<IReadOnlyDictionary<string, byte[]>>(new Dictionary<string, byte[]>(StringComparer.Ordinal));
        }

        return new(ReadAsync("read subject keys", (connection, ct) => SelectSubjectKeysAsync(connection, null, [.. subjectIds], ct), cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ThrowIfReadOnly($"store keys of {candidates.Count} subjects");
        return new(ReadAsync($"store keys of {candidates.Count} subjects", async (connection, ct) =>
        {
            string[] subjects = [.. candidates.Keys];
            byte[][] keys = [.. subjects.Select(s => candidates[s])];
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var transactionScope = transaction.ConfigureAwait(false);
            var insert = new NpgsqlCommand(
                $"INSERT INTO {_schema}.subject_keys(subject_id, wrapped_key) SELECT * FROM unnest(@subjects, @keys) ON CONFLICT (subject_id) DO NOTHING;", connection, transaction);
            await using (insert.ConfigureAwait(false))
            {
                insert.Parameters.Add(new NpgsqlParameter<string[]>("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = subjects });
                insert.Parameters.Add(new NpgsqlParameter<byte[][]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = keys });
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            IReadOnlyDictionary<string, byte[]> stored = await SelectSubjectKeysAsync(connection, transaction, subjects, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return stored;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        ThrowIfReadOnly("delete a subject key");
        return new(ReadAsync("delete a subject key", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"DELETE FROM {_schema}.subject_keys WHERE subject_id = @subject;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<string>("subject", NpgsqlDbType.Text) { TypedValue = subjectId });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default)
    {
        // Tiles never change once stored, so a cached one is always right.
        if (_tileCache.TryGetValue(id, out Tile? cached))
        {
            return cached;
        }

        Tile? tile = await ReadAsync($"read tile {id}", async (connection, ct) =>
        {
            var command = new NpgsqlCommand($"SELECT data FROM {_schema}.tiles WHERE level = @level AND idx = @idx;", connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(new NpgsqlParameter<int>("level", NpgsqlDbType.Integer) { TypedValue = id.Level });
            command.Parameters.Add(Bigint("idx", id.Index));
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

    /// <inheritdoc />
    /// <exception cref="LedgerStoreException">The write failed; none of the tiles was stored.</exception>
    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        return tiles.Count == 0
            ? default
            : new ValueTask(WriteAsync($"write {tiles.Count} tiles", writer => writer.WriteTilesAsync(tiles, cancellationToken), cancellationToken));
    }

    /// <summary>Closes the write connection and the connection pool; committed data stays.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }

            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static NpgsqlParameter<long> Bigint(string name, long value) => new(name, NpgsqlDbType.Bigint) { TypedValue = value };

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long value ? value : 0;
    }

    private async Task<bool> CheckVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        long version = await ScalarAsync(connection, $"SELECT coalesce(max(version), 0)::bigint FROM {_schema}.schema_migrations;", cancellationToken).ConfigureAwait(false);
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
    private async Task<LedgerHead> ReadHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        StoredCheckpoint? latest = await ReadLatestCheckpointAsync(connection, cancellationToken).ConfigureAwait(false);
        long size = await ScalarAsync(connection, $"SELECT coalesce(max(seq) + 1, 0) FROM {_schema}.request_ids;", cancellationToken).ConfigureAwait(false);
        if (size == 0)
        {
            long stray = await ScalarAsync(connection, $"SELECT count(*) FROM (SELECT 1 FROM {_schema}.entries LIMIT 1) e;", cancellationToken).ConfigureAwait(false);
            if (stray > 0)
            {
                throw Damaged("it holds entries but no request ids", 0);
            }

            return new LedgerHead(0, latest);
        }

        long min = await ScalarAsync(connection, $"SELECT min(seq) FROM {_schema}.request_ids;", cancellationToken).ConfigureAwait(false);
        if (min != 0)
        {
            throw Damaged($"seq 0 missing (the lowest seq is {min})", 0);
        }

        long tail = Math.Clamp(latest?.TreeSize ?? 0, 0, size);
        foreach (string table in new[] { "request_ids", "entries" })
        {
            long count = await ScalarAsync(connection, $"SELECT count(*) FROM {_schema}.{table} WHERE seq >= @tail;", cancellationToken, Bigint("tail", tail)).ConfigureAwait(false);
            if (count != size - tail)
            {
                long missing = await ScalarAsync(
                    connection,
                    $"SELECT s FROM generate_series(@tail, @last) s WHERE NOT EXISTS (SELECT 1 FROM {_schema}.{table} t WHERE t.seq = s) ORDER BY s LIMIT 1;",
                    cancellationToken,
                    Bigint("tail", tail),
                    Bigint("last", size - 1)).ConfigureAwait(false);
                throw Damaged($"seq {missing} missing from {table} (it holds {count} of the {size - tail} rows from seq {tail} to {size - 1})", missing);
            }
        }

        return new LedgerHead(size, latest);
    }

    private LedgerStoreException Damaged(string what, long seq) => new(
        $"The ledger at {Target} is damaged: {what}; rows were deleted outside DecisionLedger (first bad seq {seq}). " +
        "Do not append to it: run 'dledger verify' and restore the database from a backup.");

    private async Task<StoredCheckpoint?> ReadLatestCheckpointAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT tree_size, root, note, created_at FROM {_schema}.checkpoints ORDER BY id DESC LIMIT 1;", connection);
        await using var commandScope = command.ConfigureAwait(false);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? CheckpointReader()(reader) : null;
    }

    private Func<NpgsqlDataReader, StoredCheckpoint> CheckpointReader()
    {
        byte[] scratch = new byte[Sha256Hash.Size];
        return reader =>
        {
            long treeSize = reader.GetInt64(0);
            return new StoredCheckpoint(treeSize, PostgreSqlRows.ReadHash(reader, 1, scratch, Target, treeSize), reader.GetString(2), PostgreSqlRows.ReadTimestamp(reader, 3));
        };
    }

    private Func<Func<NpgsqlDataReader, StoredEntry>> EntryReader() => () =>
    {
        byte[] scratch = new byte[Sha256Hash.Size];
        return reader => PostgreSqlRows.ReadEntry(reader, scratch, Target);
    };

    private async Task<StoredEntry?> ReadOneEntryAsync(NpgsqlConnection connection, string predicate, NpgsqlParameter parameter, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {PostgreSqlSchema.EntryColumns} FROM {_schema}.entries WHERE {predicate};", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(parameter);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? PostgreSqlRows.ReadEntry(reader, new byte[Sha256Hash.Size], Target) : null;
    }

    private async Task<IReadOnlyDictionary<string, byte[]>> SelectSubjectKeysAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string[] subjects, CancellationToken cancellationToken)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var command = new NpgsqlCommand($"SELECT subject_id, wrapped_key FROM {_schema}.subject_keys WHERE subject_id = ANY(@subjects);", connection, transaction);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<string[]>("subjects", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = subjects });
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys[reader.GetString(0)] = reader.GetFieldValue<byte[]>(1);
        }

        return keys;
    }

    private IAsyncEnumerable<T> StreamAsync<T>(string action, string sql, NpgsqlParameter[] parameters, Func<Func<NpgsqlDataReader, T>> readerFactory, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql);
        command.Parameters.AddRange(parameters);
        return StreamAsync(action, command, readerFactory, cancellationToken);
    }

    private async IAsyncEnumerable<T> StreamAsync<T>(string action, NpgsqlCommand command, Func<Func<NpgsqlDataReader, T>> readerFactory, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        NpgsqlCommand owned = command;
        await using var ownedScope = owned.ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(_disposed, this);
        NpgsqlConnection connection;
        NpgsqlDataReader reader;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, action);
        }

        await using (connection.ConfigureAwait(false))
        {
            owned.Connection = connection;
            try
            {
                reader = await owned.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException exception)
            {
                throw PostgreSqlErrors.Wrap(exception, Target, action);
            }

            await using (reader.ConfigureAwait(false))
            {
                Func<NpgsqlDataReader, T> read = readerFactory();
                while (await ReadRowAsync(reader, action, cancellationToken).ConfigureAwait(false))
                {
                    yield return read(reader);
                }
            }
        }
    }

    private async Task<bool> ReadRowAsync(NpgsqlDataReader reader, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, action);
        }
    }

    private async Task<T> ReadAsync<T>(string action, Func<NpgsqlConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var connectionScope = connection.ConfigureAwait(false);
            return await read(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw PostgreSqlErrors.Wrap(exception, Target, action);
        }
    }

    private void ThrowIfReadOnly(string action)
    {
        if (_options.ReadOnly)
        {
            throw new LedgerStoreException($"Could not {action}: the ledger at {Target} was opened read-only. Open it without ReadOnly to write.");
        }
    }

    private async Task WriteAsync(string action, Func<PostgreSqlWriter, Task> write, CancellationToken cancellationToken, bool opening = false)
    {
        ThrowIfReadOnly(action);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_opened && !opening)
            {
                throw new InvalidOperationException($"Call OpenAsync before writing to the ledger at {Target}.");
            }

            try
            {
                _writer ??= await PostgreSqlWriter.OpenAsync(_dataSource, _schema, _options.Schema, Target, cancellationToken).ConfigureAwait(false);
                await write(_writer).ConfigureAwait(false);
            }
            catch (NpgsqlException exception)
            {
                throw PostgreSqlErrors.Wrap(exception, Target, action);
            }
            finally
            {
                // A connection broken by a server restart is replaced on the next write.
                if (_writer is { IsUsable: false })
                {
                    await _writer.DisposeAsync().ConfigureAwait(false);
                    _writer = null;
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
