using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using DecisionLedger.Verification;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The embedded ledger store: one SQLite file in WAL mode whose entries, tiles and checkpoints
/// triggers keep append-only. Each <see cref="AppendAsync"/> batch is one transaction and one
/// fsync. One writer connection serves the recorder's batcher; every read opens its own pooled
/// read-only connection, so reads run concurrently with writes, and another process (the CLI)
/// may open the same file.
/// </summary>
/// <remarks>
/// Every failure surfaces as a <see cref="LedgerStoreException"/> naming the file and the fix.
/// This class is the ports' composite and the lifecycle; the work is done by
/// <see cref="SqliteConnections"/> (the writer and read connections), <see cref="SqliteWriter"/>
/// (appends), <see cref="SqliteIndexer"/> (the deferred index) and one reader per port. The
/// query and index facet (queries, their plans, the field catalog and field indexes, the
/// decision index's progress) is in <c>SqliteLedgerStore.Querying.cs</c>.
/// </remarks>
public sealed partial class SqliteLedgerStore : ILedgerStore, IFieldIndexCatalog, ICleanCloseStore, IDerivedTableStore
{
    private readonly SqliteLedgerStoreOptions _options;
    private readonly SqliteConnections _db;
    private readonly SqliteLogReader _log;
    private readonly SqliteTileReader _tiles;
    private readonly SqliteInputReader _inputs;
    private readonly SqliteSubjectKeyReader _subjectKeys;
    private readonly SqliteIndexReader _index;
    private SqliteIndexer? _indexer;
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
        _db = new SqliteConnections(DatabasePath, _options);
        _log = new SqliteLogReader(_db);
        _tiles = new SqliteTileReader(_db);
        _inputs = new SqliteInputReader(_db);
        _subjectKeys = new SqliteSubjectKeyReader(_db);
        _index = new SqliteIndexReader(_db);
        DerivedTables = [new SqliteEntryIndexTable(_db)];
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    /// <remarks>The decision index, <c>entry_index</c>.</remarks>
    public IReadOnlyList<IDerivedTable> DerivedTables { get; }

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

            _db.Read("open the ledger read-only", connection => SqliteSchema.Check(connection, DatabasePath));
        }
        else
        {
            bool deferred = _options.IndexMode == SqliteIndexMode.Deferred && !_options.IndexerPaused;
            _db.OpenWriter(holdCommitted: deferred);
            if (deferred && _indexer is null)
            {
                var indexer = new SqliteIndexer(_db.IndexNext);
                if (Interlocked.CompareExchange(ref _indexer, indexer, null) is not null)
                {
                    indexer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }
        }

        return new ValueTask<LedgerHead>(_db.Read("open the ledger", _log.ReadHead));
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        _db.Write($"append a batch of {batch.Entries.Count} entries", writer =>
        {
            writer.Append(batch);
            _db.Committed?.Add(batch);
        });
        _indexer?.Wake();
        return default;
    }

    /// <inheritdoc />
    public ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default) =>
        _log.GetSizeAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        cancellationToken.ThrowIfCancellationRequested();
        _db.Write("store a checkpoint", writer => writer.AppendCheckpoint(checkpoint));
        return default;
    }

    /// <inheritdoc />
    public ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default) =>
        _log.GetEntryAsync(seq, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default) =>
        _log.FindByRequestIdAsync(requestId, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default) =>
        _log.FindExistingRequestIdsAsync(requestIds, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        _log.ReadEntriesAsync(fromSeq, toSeq, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        ReadLeafHashesAcrossArchiveAsync(fromSeq, toSeq, cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default) =>
        _inputs.GetInputAsync(seq, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        _inputs.ReadInputsAsync(fromSeq, toSeq, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default) =>
        _log.ReadCheckpointsAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default) =>
        _log.GetLatestCheckpointAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(seqs);
        cancellationToken.ThrowIfCancellationRequested();
        int deleted = 0;
        _db.Write($"delete {seqs.Count} stored inputs", writer =>
        {
            // The index and catalog of entries not indexed yet are written first, so the erasure
            // clears and prunes them too instead of the indexer writing them back afterwards.
            _db.CatchUpIndex(writer);
            deleted = writer.Erasure.DeleteInputs(seqs, writer.Index.Catalog);
        });
        return new ValueTask<int>(deleted);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default) =>
        _subjectKeys.GetSubjectKeysAsync(subjectIds, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        cancellationToken.ThrowIfCancellationRequested();
        Dictionary<string, byte[]>? stored = null;
        _db.Write($"store keys of {candidates.Count} subjects", writer => stored = writer.Erasure.GetOrCreateSubjectKeys(candidates));
        return new ValueTask<IReadOnlyDictionary<string, byte[]>>(stored!);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subjectId);
        cancellationToken.ThrowIfCancellationRequested();
        bool deleted = false;
        _db.Write("delete a subject key", writer => deleted = writer.Erasure.DeleteSubjectKey(subjectId));
        return new ValueTask<bool>(deleted);
    }

    /// <inheritdoc />
    public ValueTask<Tile?> ReadTileAsync(TileId id, CancellationToken cancellationToken = default) =>
        _tiles.ReadTileAsync(id, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="LedgerStoreException">The write failed; none of the tiles was stored.</exception>
    public ValueTask WriteTilesAsync(IReadOnlyList<(TileId Id, Tile Tile)> tiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        cancellationToken.ThrowIfCancellationRequested();
        if (tiles.Count > 0)
        {
            _db.Write($"write {tiles.Count} tiles", writer => writer.WriteTiles(tiles));
        }

        return default;
    }

    /// <inheritdoc />
    public ValueTask<long?> ReadCleanCloseAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<long?>(_db.Read("read the clean-close marker", SqliteCleanClose.Read));
    }

    /// <inheritdoc />
    public ValueTask WriteCleanCloseAsync(long? treeSize, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _db.Write(treeSize is null ? "clear the clean-close marker" : "write the clean-close marker", writer => SqliteCleanClose.Write(writer.Connection, treeSize));
        return default;
    }

    /// <summary>Stops the indexer, closes the writer connection and the idle read connections; the file stays as committed.</summary>
    public async ValueTask DisposeAsync()
    {
        // Before closing: the indexer's current batch takes the write lock to finish.
        SqliteIndexer? indexer = Interlocked.Exchange(ref _indexer, null);
        if (indexer is not null)
        {
            await indexer.DisposeAsync().ConfigureAwait(false);
        }

        _disposed = true;
        _db.Close();
    }
}
