using System.Runtime.CompilerServices;
using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Querying;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The embedded ledger store: one SQLite file in WAL mode whose entries, tiles and checkpoints
/// triggers keep append-only. Each <see cref="AppendAsync"/> batch is one transaction and one
/// fsync. One writer connection serves the recorder's batcher; every read opens its own pooled
/// read-only connection, so reads run concurrently with writes, and another process (the CLI)
/// may open the same file.
/// </summary>
/// <remarks>Every failure surfaces as a <see cref="LedgerStoreException"/> naming the file and the fix.</remarks>
public sealed class SqliteLedgerStore : ILedgerStore, IFieldIndexCatalog
{
    // SQLite binds at most 32766 parameters per statement; 500 keeps each statement small.
    private const int RequestIdChunk = 500;
    private static readonly string s_fullChunkSql = ExistingRequestIdsSql(RequestIdChunk);

    private const int TileCacheCapacity = 1024;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TileId, Tile> _tileCache = new();
    private readonly SqliteLedgerStoreOptions _options;
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly Lock _writeLock = new();
    private SqliteWriter? _writer;
    private SqliteIndexer? _indexer;

    // Batches committed here and not indexed yet (deferred mode only), guarded by _writeLock.
    private SqliteCommittedBatches? _committed;
    private volatile bool _disposed;

    /// <summary>Creates a store over the SQLite file at <paramref name="databasePath"/>; nothing is opened until <see cref="OpenAsync"/>.</summary>
    /// <param name="databasePath">The database file. It is created on open unless <see cref="SqliteLedgerStoreOptions.ReadOnly"/>; its directory must exist.</param>
    /// <param name="options">Durability, lock timeout and read-only settings; null for the defaults (synchronous FULL, 30 s, writable).</param>
    /// <exception cref="ArgumentException"><paramref name="databasePath"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The busy timeout is negative.</exception>
    public SqliteLedgerStore(string databasePath, SqliteLedgerStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _options = options ?? new SqliteLedgerStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BusyTimeout, TimeSpan.Zero, nameof(options));

        DatabasePath = Path.GetFullPath(databasePath);
        int timeoutSeconds = (int)Math.Ceiling(_options.BusyTimeout.TotalSeconds);
        _writeConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        string? directory = Path.GetDirectoryName(DatabasePath);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new LedgerStoreException(
                $"Could not open the ledger database '{DatabasePath}': its directory '{directory}' does not exist. " +
                "Create the directory (or the ledger, with 'dledger init'), or pass the path of an existing ledger.");
        }

        if (_options.ReadOnly)
        {
            if (!File.Exists(DatabasePath))
            {
                throw new LedgerStoreException(
                    $"Could not open the ledger database '{DatabasePath}' read-only: the file does not exist. Check the path, or create the ledger first.");
            }

            Read("open the ledger read-only", connection => SqliteSchema.Check(connection, DatabasePath));
        }
        else
        {
            lock (_writeLock)
            {
                _writer ??= OpenWriter();
                if (_options.IndexMode == SqliteIndexMode.Synchronous)
                {
                    // Indexing in the commit needs the index caught up first (a file may come from a deferred store).
                    IndexAll(_writer);
                }
                else if (!_options.IndexerPaused)
                {
                    _committed ??= new SqliteCommittedBatches();
                    _indexer ??= new SqliteIndexer(IndexNext);
                }
            }
        }

        return new ValueTask<LedgerHead>(Read("open the ledger", ReadHead));
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        Write($"append a batch of {batch.Entries.Count} entries", writer =>
        {
            writer.Append(batch);
            _committed?.Add(batch);
        });
        _indexer?.Wake();
        return default;
    }

    /// <inheritdoc />
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<long>(Read("read the ledger size", connection =>
            Scalar(connection, "SELECT coalesce(max(seq) + 1, 0) FROM entries;")));
    }

    /// <inheritdoc />
    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        cancellationToken.ThrowIfCancellationRequested();
        Write("store a checkpoint", writer => writer.AppendCheckpoint(checkpoint));
        return default;
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredEntry?>(Read($"read entry {seq}", connection =>
            ReadOneEntry(connection, "seq = @value", seq)));
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredEntry?>(Read("find an entry by request id", connection =>
            ReadOneEntry(connection, "request_id = @value", requestId)));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (requestIds.Count == 0)
        {
            return new ValueTask<IReadOnlySet<string>>(found);
        }

        Read("look up request ids", connection =>
        {
            using SqliteCommand command = connection.CreateCommand();
            var parameters = new SqliteParameter[RequestIdChunk];
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = command.Parameters.Add("@r" + i, SqliteType.Text);
            }

            command.CommandText = s_fullChunkSql;
            string[] chunk = new string[RequestIdChunk];
            int count = 0;
            foreach (string requestId in requestIds)
            {
                chunk[count++] = requestId;
                if (count == RequestIdChunk)
                {
                    QueryChunk(command, parameters, chunk, count, found);
                    count = 0;
                }
            }

            if (count > 0)
            {
                QueryChunk(command, parameters, chunk, count, found);
            }

            return found;
        });
        return new ValueTask<IReadOnlySet<string>>(found);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string Action = "read entries";
        using SqliteConnection connection = OpenReadConnection(Action);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT " + SqliteSchema.EntryColumns + " FROM entries WHERE seq >= @from AND seq < @to ORDER BY seq;";
        command.Parameters.AddWithValue("@from", fromSeq);
        command.Parameters.AddWithValue("@to", toSeq);
        await foreach (StoredEntry entry in StreamEntriesAsync(command, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<Sha256Hash>>(Read("read leaf hashes", IReadOnlyList<Sha256Hash> (connection) =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT seq, leaf_hash FROM entries WHERE seq >= @from AND seq < @to ORDER BY seq;";
            command.Parameters.AddWithValue("@from", fromSeq);
            command.Parameters.AddWithValue("@to", toSeq);
            var hashes = new List<Sha256Hash>((int)Math.Clamp(toSeq - fromSeq, 0, 1 << 16));
            byte[] scratch = new byte[Sha256Hash.Size];
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                hashes.Add(SqliteRows.ReadHash(reader, 1, scratch, DatabasePath, reader.GetInt64(0)));
            }

            return hashes;
        }));
    }

    /// <inheritdoc />
    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredInput?>(Read($"read the input of entry {seq}", connection =>
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT seq, salt, input FROM inputs WHERE seq = @seq;";
            command.Parameters.AddWithValue("@seq", seq);
            using SqliteDataReader reader = command.ExecuteReader();
            return reader.Read() ? ReadInput(reader) : null;
        }));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string Action = "read inputs";
        using SqliteConnection connection = OpenReadConnection(Action);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT seq, salt, input FROM inputs WHERE seq >= @from AND seq < @to ORDER BY seq;";
        command.Parameters.AddWithValue("@from", fromSeq);
        command.Parameters.AddWithValue("@to", toSeq);
        using SqliteDataReader reader = ExecuteReader(command, Action);
        while (await ReadRowAsync(reader, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return ReadInput(reader);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string Action = "read checkpoints";
        using SqliteConnection connection = OpenReadConnection(Action);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT tree_size, root, note, created_at FROM checkpoints ORDER BY id;";
        using SqliteDataReader reader = ExecuteReader(command, Action);
        byte[] scratch = new byte[Sha256Hash.Size];
        while (await ReadRowAsync(reader, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return ReadCheckpoint(reader, scratch);
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<StoredCheckpoint?>(Read("read the latest checkpoint", ReadLatestCheckpoint));
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EntryFilter.Limit"/> is negative.</exception>
    public async IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(filter.Limit, nameof(filter));
        const string Action = "query entries";
        using SqliteConnection connection = OpenReadConnection(Action);
        long watermark = ReadWatermark(connection, Action);

        // The request id's unique index is written in the commit: it needs no tail.
        if (filter.RequestId is null && (filter.BeforeSeq is not { } before || before > watermark))
        {
            // The entries the indexer has not reached are the newest: they come first, read in seq order.
            int fromTail = 0;
            using (SqliteCommand tail = connection.CreateCommand())
            {
                EntryFilterSql.Apply(tail, filter, tailFrom: watermark);
                await foreach (StoredEntry entry in StreamEntriesAsync(tail, Action, cancellationToken).ConfigureAwait(false))
                {
                    fromTail++;
                    yield return entry;
                }
            }

            if (fromTail == filter.Limit || watermark == 0)
            {
                yield break;
            }

            filter = filter with { BeforeSeq = watermark, Limit = filter.Limit - fromTail };
        }

        await foreach (StoredEntry entry in QueryIndexedAsync(connection, filter, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    // The part of a query the indexer covers (seq below the watermark, or any seq for a request id).
    private async IAsyncEnumerable<StoredEntry> QueryIndexedAsync(SqliteConnection connection, EntryFilter filter, string action, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SqliteQueryPlan plan;
        try
        {
            plan = ChoosePlan(connection, filter);
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, action);
        }

        int returned = 0;
        if (plan.WindowStart is { } start)
        {
            using SqliteCommand window = connection.CreateCommand();
            EntryFilterSql.Apply(window, filter, driver: null, windowStart: start);
            await foreach (StoredEntry entry in StreamEntriesAsync(window, action, cancellationToken).ConfigureAwait(false))
            {
                returned++;
                yield return entry;
            }

            // Everything at or above the window's start was walked: the rest of the page lies below it.
            if (returned == filter.Limit || start == 0)
            {
                yield break;
            }

            filter = filter with { BeforeSeq = start, Limit = filter.Limit - returned };
            plan = plan with { Driver = QueryDriverSql.TimeRangeDriver(filter) };
        }

        using SqliteCommand command = connection.CreateCommand();
        EntryFilterSql.Apply(command, filter, plan.Driver, walkIndex: plan.WalkIndex, joinIndex: JoinsIndex(filter, plan));
        await foreach (StoredEntry entry in StreamEntriesAsync(command, action, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <summary>
    /// How SQLite would run <see cref="QueryAsync"/> for <paramref name="filter"/>: the lines of
    /// <c>EXPLAIN QUERY PLAN</c> (after the same index probes the query makes), for tuning and tests.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One line per plan step, indented by depth.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public ValueTask<IReadOnlyList<string>> ExplainQueryAsync(EntryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<string>>(Read("explain a query", IReadOnlyList<string> (connection) =>
        {
            // The indexed part is explained (the tail is read in seq order); a windowed plan explains
            // its second statement, the one that reads the time index.
            long watermark = ReadWatermark(connection, "explain a query");
            if (filter.RequestId is null)
            {
                filter = filter with { BeforeSeq = Math.Min(filter.BeforeSeq ?? watermark, watermark) };
            }

            SqliteQueryPlan plan = ChoosePlan(connection, filter);
            if (plan.WindowStart is { } start)
            {
                filter = filter with { BeforeSeq = start };
                plan = plan with { Driver = QueryDriverSql.TimeRangeDriver(filter) };
            }

            using SqliteCommand command = connection.CreateCommand();
            EntryFilterSql.Apply(command, filter, plan.Driver, walkIndex: plan.WalkIndex, joinIndex: JoinsIndex(filter, plan));
            command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            var lines = new List<string>();
            var depths = new Dictionary<long, int>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                int depth = depths.TryGetValue(reader.GetInt64(1), out int parent) ? parent + 1 : 0;
                depths[reader.GetInt64(0)] = depth;
                lines.Add(new string(' ', 2 * depth) + reader.GetString(3));
            }

            return lines;
        }));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<string>>(Read("read the field catalog", IReadOnlyList<string> (connection) =>
        {
            // A ledger only ever opened read-only since before the catalog existed has none yet.
            if (!SqliteSchema.HasTable(connection, null, "field_paths"))
            {
                return [];
            }

            var paths = new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, HashSet<string>> tail = CollectTailPaths(connection, ReadWatermark(connection, "read the field catalog"));
            foreach ((string model, HashSet<string> modelPaths) in tail)
            {
                if (modelName is null || string.Equals(model, modelName, StringComparison.Ordinal))
                {
                    paths.UnionWith(modelPaths);
                }
            }

            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = modelName is null
                ? "SELECT DISTINCT path FROM field_paths ORDER BY path;"
                : "SELECT path FROM field_paths WHERE model = @model ORDER BY path;";
            command.Parameters.AddWithValue("@model", (object?)modelName ?? DBNull.Value);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                paths.Add(reader.GetString(0));
            }

            return paths.Order(StringComparer.Ordinal).ToList();
        }));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetIndexedFieldPathsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<string>>(Read("read the indexed field paths", connection => FieldIndexSql.Read(connection, null)));
    }

    /// <summary>
    /// Indexes a where-path (e.g. <c>output.label</c> or <c>input.amount</c>), so a comparison on it
    /// (<c>=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c> with a string or number) finds the
    /// first page from the index, and counts as an indexed filter for the scan guard. Building reads
    /// every entry (or stored input) once and holds the write lock meanwhile; afterwards each append
    /// pays one more JSON read and index insert per entry. Declaring an indexed path again does nothing.
    /// </summary>
    /// <param name="path">The field path, as a where expression writes it.</param>
    /// <param name="cancellationToken">Cancels before the index is built.</param>
    /// <returns>True when the index was created, false when it already existed.</returns>
    /// <exception cref="FormatException">The path breaks the field path grammar.</exception>
    /// <exception cref="ArgumentException">No entry of this ledger holds the path, so nothing could use the index.</exception>
    /// <exception cref="LedgerStoreException">The store is read-only or failed.</exception>
    public ValueTask<bool> AddFieldIndexAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        FieldPath parsed = FieldPath.Parse(path);
        cancellationToken.ThrowIfCancellationRequested();
        bool created = false;
        WriteSchema($"index the field path {parsed}", (connection, transaction) => created = FieldIndexSql.Add(connection, transaction, parsed));
        return new ValueTask<bool>(created);
    }

    /// <summary>Drops the index of a where-path declared with <see cref="AddFieldIndexAsync"/>; queries on it read entries again.</summary>
    /// <param name="path">The field path.</param>
    /// <param name="cancellationToken">Cancels before the index is dropped.</param>
    /// <returns>True when an index was dropped, false when the path had none.</returns>
    /// <exception cref="FormatException">The path breaks the field path grammar.</exception>
    /// <exception cref="LedgerStoreException">The store is read-only or failed.</exception>
    public ValueTask<bool> DropFieldIndexAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        FieldPath parsed = FieldPath.Parse(path);
        cancellationToken.ThrowIfCancellationRequested();
        bool dropped = false;
        WriteSchema($"drop the index of the field path {parsed}", (connection, transaction) => dropped = FieldIndexSql.DropIfExists(connection, transaction, parsed));
        return new ValueTask<bool>(dropped);
    }

    /// <summary>
    /// Indexes every appended entry the indexer has not reached yet, now, on the caller's thread
    /// (the background indexer does the same a few milliseconds after each append).
    /// </summary>
    /// <param name="cancellationToken">Cancels before indexing starts.</param>
    /// <returns>How many entries were indexed.</returns>
    /// <exception cref="LedgerStoreException">The store is read-only or failed.</exception>
    public ValueTask<long> IndexPendingAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long indexed = 0;
        Write("index the pending entries", writer => indexed = IndexAll(writer));
        return new ValueTask<long>(indexed);
    }

    /// <summary>How many entries the decision index covers (the watermark): every seq below it is indexed; queries scan the rest.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public ValueTask<long> GetIndexedSizeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        const string Action = "read the index watermark";
        return new ValueTask<long>(Read(Action, connection => ReadWatermark(connection, Action)));
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        cancellationToken.ThrowIfCancellationRequested();
        int deleted = 0;
        Write($"delete {seqs.Count} stored inputs", writer => deleted = writer.DeleteInputs(seqs));
        return new ValueTask<int>(deleted);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectIds);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (subjectIds.Count == 0)
        {
            return new ValueTask<IReadOnlyDictionary<string, byte[]>>(keys);
        }

        Read("read subject keys", connection =>
        {
            using (SqliteCommand exists = connection.CreateCommand())
            {
                // A ledger last opened writable by an older version has no key table: it has no keys.
                exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'subject_keys';";
                if ((long)exists.ExecuteScalar()! == 0)
                {
                    return;
                }
            }

            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT wrapped_key FROM subject_keys WHERE subject_id = @subject;";
            SqliteParameter subject = command.Parameters.Add("@subject", SqliteType.Text);
            foreach (string subjectId in subjectIds)
            {
                subject.Value = subjectId;
                if (command.ExecuteScalar() is byte[] wrapped)
                {
                    keys[subjectId] = wrapped;
                }
            }
        });
        return new ValueTask<IReadOnlyDictionary<string, byte[]>>(keys);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, byte[]>? stored = null;
        Write($"store keys of {candidates.Count} subjects", writer => stored = writer.GetOrCreateSubjectKeys(candidates));
        return new ValueTask<IReadOnlyDictionary<string, byte[]>>(stored!);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        cancellationToken.ThrowIfCancellationRequested();
        bool deleted = false;
        Write("delete a subject key", writer => deleted = writer.DeleteSubjectKey(subjectId));
        return new ValueTask<bool>(deleted);
    }

    /// <inheritdoc />
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
        return Read($"read tile {id}", connection =>
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
                    $"The ledger database '{DatabasePath}' holds tile {id} with {data.Length} bytes instead of {Tile.BaseByteLength}: the file was altered. Run 'dledger verify' and restore from a backup.");
            }

            return Tile.FromBaseBytes(data);
        });
    }

    /// <inheritdoc />
    /// <exception cref="LedgerStoreException">The write failed; none of the tiles was stored.</exception>
    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        cancellationToken.ThrowIfCancellationRequested();
        if (tiles.Count > 0)
        {
            Write($"write {tiles.Count} tiles", writer => writer.WriteTiles(tiles));
        }

        return default;
    }

    /// <summary>Stops the indexer, closes the writer connection and the idle read connections; the file stays as committed.</summary>
    public async ValueTask DisposeAsync()
    {
        // Outside the lock: the indexer's current batch takes it to finish.
        SqliteIndexer? indexer = Interlocked.Exchange(ref _indexer, null);
        if (indexer is not null)
        {
            await indexer.DisposeAsync().ConfigureAwait(false);
        }

        lock (_writeLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _writer?.Dispose();
            _writer = null;
        }

        using var pooled = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(pooled);
    }

    // The plain plan of a column filter walks entry_index; a driver, a walk of a where-path index,
    // or no column filter at all read entries directly.
    private static bool JoinsIndex(EntryFilter filter, SqliteQueryPlan plan) =>
        plan.Driver is null && plan.WalkIndex is null && plan.WindowStart is null && filter.RequestId is null
        && (filter.ModelName is not null || filter.ModelVersion is not null || filter.UserId is not null
            || filter.Tenant is not null || filter.SubjectId is not null || filter.InputFingerprint is not null
            || filter.Kind is not null || filter.From is not null || filter.To is not null);

    // A request id is found through its unique index, written in the commit: no driver from
    // entry_index (it would miss the tail) is needed or wanted.
    private static SqliteQueryPlan ChoosePlan(SqliteConnection connection, EntryFilter filter) =>
        filter.RequestId is null ? QueryDriverSql.Choose(connection, filter) : new SqliteQueryPlan(null, null);

    // A version 1 file opened read-only has no index state: every entry is tail.
    private long ReadWatermark(SqliteConnection connection, string action)
    {
        try
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT watermark FROM index_state WHERE id = 0;";
            return command.ExecuteScalar() is long watermark ? watermark : 0;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == 1 && !SqliteSchema.HasTable(connection, null, "index_state"))
        {
            return 0;
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, action);
        }
    }

    private Dictionary<string, HashSet<string>> CollectTailPaths(SqliteConnection connection, long watermark)
    {
        var entries = new List<StoredEntry>();
        var inputs = new List<StoredInput>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT " + SqliteSchema.EntryColumns + " FROM entries WHERE seq >= @from ORDER BY seq;";
            command.Parameters.AddWithValue("@from", watermark);
            using SqliteDataReader reader = command.ExecuteReader();
            byte[] scratch = new byte[Sha256Hash.Size];
            while (reader.Read())
            {
                entries.Add(SqliteRows.ReadEntry(reader, scratch, DatabasePath));
            }
        }

        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, salt, input FROM inputs WHERE seq >= @from ORDER BY seq;";
            command.Parameters.AddWithValue("@from", watermark);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                inputs.Add(ReadInput(reader));
            }
        }

        return FieldPathCollector.Collect(entries, inputs);
    }

    // One batch of the background indexer, under the write lock like every write of this process.
    private int IndexNext(int maxEntries)
    {
        int indexed = 0;
        Write("index appended entries", writer => indexed = writer.Index.IndexNext(maxEntries, _committed, relaxSync: true));
        return indexed;
    }

    private long IndexAll(SqliteWriter writer)
    {
        long total = 0;
        int indexed;
        while ((indexed = writer.Index.IndexNext(SqliteIndexer.BatchSize, _committed)) > 0)
        {
            total += indexed;
        }

        return total;
    }

    private static string ExistingRequestIdsSql(int count)
    {
        var sql = new StringBuilder("SELECT request_id FROM entries WHERE request_id IN (");
        for (int i = 0; i < count; i++)
        {
            sql.Append(i == 0 ? "@r" : ", @r").Append(i);
        }

        return sql.Append(");").ToString();
    }

    private static void QueryChunk(SqliteCommand command, SqliteParameter[] parameters, string[] chunk, int count, HashSet<string> found)
    {
        if (count < RequestIdChunk)
        {
            command.CommandText = ExistingRequestIdsSql(count);
            while (command.Parameters.Count > count)
            {
                command.Parameters.RemoveAt(command.Parameters.Count - 1);
            }
        }

        for (int i = 0; i < count; i++)
        {
            parameters[i].Value = chunk[i];
        }

        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(reader.GetString(0));
        }
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    private static StoredInput ReadInput(SqliteDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? [] : reader.GetFieldValue<byte[]>(1),
        reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2));

    private StoredCheckpoint ReadCheckpoint(SqliteDataReader reader, byte[] scratch)
    {
        long treeSize = reader.GetInt64(0);
        return new StoredCheckpoint(
            treeSize,
            SqliteRows.ReadHash(reader, 1, scratch, DatabasePath, treeSize),
            reader.GetString(2),
            SqliteRows.FromUnixMicroseconds(reader.GetInt64(3)));
    }

    private StoredCheckpoint? ReadLatestCheckpoint(SqliteConnection connection)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT tree_size, root, note, created_at FROM checkpoints ORDER BY id DESC LIMIT 1;";
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? ReadCheckpoint(reader, new byte[Sha256Hash.Size]) : null;
    }

    // Each aggregate on its own: SQLite answers a lone count(*) from the smallest index's page
    // counts and a lone min/max from one b-tree descent; combined they would force a scan.
    private LedgerHead ReadHead(SqliteConnection connection)
    {
        long count = Scalar(connection, "SELECT count(*) FROM entries;");
        if (count > 0)
        {
            long min = Scalar(connection, "SELECT min(seq) FROM entries;");
            long max = Scalar(connection, "SELECT max(seq) FROM entries;");
            if (min != 0 || max + 1 != count)
            {
                long missing = min > 0 ? 0 : FirstMissingSeq(connection, max);
                throw new LedgerStoreException(
                    $"The ledger database '{DatabasePath}' is damaged: seq {missing} missing (it holds {count} entries with seqs {min} to {max}); " +
                    "entries were deleted outside DecisionLedger. Do not append to it: run 'dledger verify' and restore the file from a backup.");
            }
        }

        return new LedgerHead(count, ReadLatestCheckpoint(connection));
    }

    private static long FirstMissingSeq(SqliteConnection connection, long max)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText =
            "SELECT e.seq + 1 FROM entries e WHERE e.seq >= 0 AND e.seq < @max " +
            "AND NOT EXISTS (SELECT 1 FROM entries n WHERE n.seq = e.seq + 1) ORDER BY e.seq LIMIT 1;";
        command.Parameters.AddWithValue("@max", max);
        return command.ExecuteScalar() is long missing ? missing : max + 1;
    }

    private StoredEntry? ReadOneEntry(SqliteConnection connection, string predicate, object value)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT " + SqliteSchema.EntryColumns + " FROM entries WHERE " + predicate + ";";
        command.Parameters.AddWithValue("@value", value);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? SqliteRows.ReadEntry(reader, new byte[Sha256Hash.Size], DatabasePath) : null;
    }

    private async IAsyncEnumerable<StoredEntry> StreamEntriesAsync(SqliteCommand command, string action, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using SqliteDataReader reader = ExecuteReader(command, action);
        byte[] scratch = new byte[Sha256Hash.Size];
        while (await ReadRowAsync(reader, action, cancellationToken).ConfigureAwait(false))
        {
            yield return SqliteRows.ReadEntry(reader, scratch, DatabasePath);
        }
    }

    private async ValueTask<bool> ReadRowAsync(SqliteDataReader reader, string action, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, action);
        }
    }

    private SqliteDataReader ExecuteReader(SqliteCommand command, string action)
    {
        try
        {
            return command.ExecuteReader();
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, action);
        }
    }

    private SqliteConnection OpenReadConnection(string action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_readConnectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw Wrap(exception, action);
        }
    }

    private T Read<T>(string action, Func<SqliteConnection, T> read)
    {
        using SqliteConnection connection = OpenReadConnection(action);
        try
        {
            return read(connection);
        }
        catch (SqliteException exception)
        {
            throw Wrap(exception, action);
        }
    }

    private void Read(string action, Action<SqliteConnection> read) =>
        Read(action, connection =>
        {
            read(connection);
            return true;
        });

    private void Write(string action, Action<SqliteWriter> write)
    {
        if (_options.ReadOnly)
        {
            throw new LedgerStoreException(
                $"Could not {action}: the ledger database '{DatabasePath}' was opened read-only. Open it without ReadOnly to write.");
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SqliteWriter writer = _writer
                ?? throw new InvalidOperationException($"Call OpenAsync before writing to the ledger database '{DatabasePath}'.");
            try
            {
                write(writer);
            }
            catch (SqliteException exception)
            {
                throw Wrap(exception, action);
            }
        }
    }

    // Schema changes take their own connection: the append path's writer keeps its prepared
    // statements (SQLite re-prepares them after the change), and holding the write lock keeps this
    // process's appends out of the way meanwhile.
    private void WriteSchema(string action, Action<SqliteConnection, SqliteTransaction> change)
    {
        Write(action, writer =>
        {
            // The field catalog the change may check must hold every entry.
            IndexAll(writer);
            using var connection = new SqliteConnection(_writeConnectionString);
            connection.Open();
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            change(connection, transaction);
            transaction.Commit();
        });
    }

    private SqliteWriter OpenWriter()
    {
        var connection = new SqliteConnection(_writeConnectionString);
        try
        {
            connection.Open();
            if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
            {
                throw new LedgerStoreException(
                    $"Could not open the ledger database '{DatabasePath}' for writing: the file is read-only. " +
                    "Give this process write access to the file and its directory, or open the store with ReadOnly = true to only read.");
            }

            using (SqliteCommand pragmas = connection.CreateCommand())
            {
                // The mode comes from an enum, never from caller text.
                pragmas.CommandText =
                    // 16 KiB pages hold fifteen 1 KB entries each and shorten every index; only a new
                    // file takes it (before WAL is switched on); an existing file keeps its page size.
                    "PRAGMA page_size = 16384; " +
                    "PRAGMA journal_mode = WAL; " +
                    $"PRAGMA synchronous = {(int)_options.Synchronous}; " +
                    "PRAGMA foreign_keys = OFF; " +
                    // Erasure: deleted inputs are overwritten with zeros in the file, not just unlinked.
                    "PRAGMA secure_delete = ON; " +
                    // 64 MiB of page cache: the random-keyed indexes (request id, fingerprint) outgrow
                    // the 2 MiB default within a few hundred thousand entries, and every miss is a read.
                    "PRAGMA cache_size = -65536;";
                pragmas.ExecuteNonQuery();
            }

            bool backfill = SqliteSchema.Ensure(connection, DatabasePath);
            var writer = new SqliteWriter(connection, DatabasePath, _options.IndexMode == SqliteIndexMode.Synchronous);
            if (backfill)
            {
                writer.Index.BackfillFieldPaths();
            }

            return writer;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw Wrap(exception, "open the ledger for writing");
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private LedgerStoreException Wrap(SqliteException exception, string action) =>
        SqliteErrors.Wrap(exception, DatabasePath, action, _options.BusyTimeout);
}
