using DecisionLedger.Hashing;
using DecisionLedger.Merkle;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The single writer connection with its prepared statements, reused for every batch so a
/// batch costs one transaction, one fsync and no SQL parsing. Not thread-safe: the store
/// serializes calls.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string _path;

    private readonly SqliteCommand _nextSeq;

    // The two rows of every decision go through positional statements (see SqliteRowStatement).
    private readonly SqliteRowStatement _insertEntry;
    private readonly SqliteRowStatement _insertInput;
    private readonly SqliteSubjectRefWriter _insertSubjects;

    private readonly SqliteCommand _insertTile;
    private readonly SqliteParameter _tileLevel;
    private readonly SqliteParameter _tileIndex;
    private readonly SqliteParameter _tileData;
    private readonly SqliteCommand _readTile;
    private readonly SqliteParameter _readTileLevel;
    private readonly SqliteParameter _readTileIndex;

    private readonly SqliteCommand _insertCheckpoint;
    private readonly SqliteParameter _treeSize;
    private readonly SqliteParameter _root;
    private readonly SqliteParameter _note;
    private readonly SqliteParameter _createdAt;

    // SQLite copies a bound blob when the statement runs, so one buffer serves every row.
    private readonly byte[] _leafHashBuffer = new byte[Sha256Hash.Size];
    private readonly byte[] _rootBuffer = new byte[Sha256Hash.Size];
    private readonly byte[] _tileBuffer = new byte[Tile.BaseByteLength];

    private readonly bool _indexInCommit;

    /// <param name="connection">The open writer connection; the writer owns it from now on.</param>
    /// <param name="path">The database file, for errors.</param>
    /// <param name="indexInCommit">True to index every batch inside its commit (<see cref="SqliteIndexMode.Synchronous"/>).</param>
    public SqliteWriter(SqliteConnection connection, string path, bool indexInCommit)
    {
        _connection = connection;
        _path = path;

        _nextSeq = Command("SELECT coalesce(max(seq) + 1, 0) FROM entries;");

        _insertEntry = new SqliteRowStatement(connection,
            "INSERT INTO entries(" + SqliteSchema.EntryColumns + ", fingerprint_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13);");
        _insertInput = new SqliteRowStatement(connection, "INSERT INTO inputs(seq, salt, input) VALUES (?1, ?2, ?3);");
        _insertSubjects = new SqliteSubjectRefWriter(connection, path);

        // OR IGNORE: rewriting a tile with identical content is allowed (ITileStore); a different one is caught below.
        _insertTile = Command("INSERT OR IGNORE INTO tiles(level, idx, data) VALUES (@level, @idx, @data);");
        _tileLevel = Parameter(_insertTile, "@level", SqliteType.Integer);
        _tileIndex = Parameter(_insertTile, "@idx", SqliteType.Integer);
        _tileData = Parameter(_insertTile, "@data", SqliteType.Blob);
        _tileData.Value = _tileBuffer;
        _readTile = Command("SELECT data FROM tiles WHERE level = @level AND idx = @idx;");
        _readTileLevel = Parameter(_readTile, "@level", SqliteType.Integer);
        _readTileIndex = Parameter(_readTile, "@idx", SqliteType.Integer);

        _insertCheckpoint = Command(
            "INSERT INTO checkpoints(tree_size, root, note, created_at) VALUES (@tree_size, @root, @note, @created_at);");
        _treeSize = Parameter(_insertCheckpoint, "@tree_size", SqliteType.Integer);
        _root = Parameter(_insertCheckpoint, "@root", SqliteType.Blob);
        _root.Value = _rootBuffer;
        _note = Parameter(_insertCheckpoint, "@note", SqliteType.Text);
        _createdAt = Parameter(_insertCheckpoint, "@created_at", SqliteType.Integer);

        Index = new SqliteIndexWriter(connection, path);
        Erasure = new SqliteErasureWriter(connection, path);
        _indexInCommit = indexInCommit;
    }

    /// <summary>Writes a batch in one IMMEDIATE transaction; rolls back everything on any failure.</summary>
    /// <exception cref="LedgerStoreException">The batch is not contiguous, repeats a request id, conflicts with a stored tile, or the write failed.</exception>
    public void Append(AppendBatch batch)
    {
        SubjectRefChecks.ThrowIfInvalid(batch.NewSubjectRefs, $"the ledger database '{_path}'");
        using SqliteTransaction transaction = Begin();

        // Read inside the write transaction: another process may have appended since we last looked.
        long size = (long)_nextSeq.ExecuteScalar()!;
        IReadOnlyList<StoredEntry> entries = batch.Entries;
        for (int i = 0; i < entries.Count; i++)
        {
            long expected = size + i;
            if (entries[i].Seq != expected)
            {
                throw new LedgerStoreException(
                    $"Append rejected: expected seq {expected} but the batch has seq {entries[i].Seq} at position {i}. " +
                    $"The ledger database '{_path}' holds {size} entries, so a batch must start at seq {size} and count up by one; nothing was stored.");
            }

            InsertEntry(entries[i]);
        }

        long newSize = size + entries.Count;
        IReadOnlyList<StoredInput> inputs = batch.Inputs;
        for (int i = 0; i < inputs.Count; i++)
        {
            StoredInput input = inputs[i];
            if (input.Seq < size || input.Seq >= newSize)
            {
                throw new LedgerStoreException(
                    $"Append rejected: the batch holds an input for seq {input.Seq}, outside its entries [{size}, {newSize}). Nothing was stored.");
            }

            _insertInput.Bind(1, input.Seq);
            _insertInput.Bind(2, input.Salt);
            _insertInput.Bind(3, input.Input);
            _insertInput.Execute();
        }

        _insertSubjects.Insert(batch.NewSubjectRefs);
        for (int i = 0; i < batch.Tiles.Count; i++)
        {
            (TileId id, Tile tile) = batch.Tiles[i];
            if (!InsertTile(id, tile))
            {
                throw new LedgerStoreException(
                    $"Append rejected: tile {id} is already stored in '{_path}' with different content; tiles are immutable. " +
                    "The in-memory tree does not match the store: reopen the ledger and run 'dledger verify'. Nothing was stored.");
            }
        }

        if (batch.Checkpoint is { } checkpoint)
        {
            InsertCheckpoint(checkpoint, newSize);
        }

        List<(string Model, string Path)>? newPaths = _indexInCommit ? IndexInCommit(transaction, batch, size) : null;
        transaction.Commit();
        if (newPaths is not null)
        {
            Index.Catalog.Remember(newPaths);
        }
    }

    /// <summary>Deletes stored inputs, subject keys and subject mappings on this connection; callers hold the store's write lock.</summary>
    public SqliteErasureWriter Erasure { get; }

    /// <summary>The decision index on this connection; callers hold the store's write lock.</summary>
    public SqliteIndexWriter Index { get; }

    /// <summary>The writer connection, for the rare statements that need no prepared command (<see cref="SqliteCleanClose"/>).</summary>
    public SqliteConnection Connection => _connection;

    /// <summary>Stores one checkpoint in its own transaction.</summary>
    public void AppendCheckpoint(StoredCheckpoint checkpoint)
    {
        using SqliteTransaction transaction = Begin();
        InsertCheckpoint(checkpoint, (long)_nextSeq.ExecuteScalar()!);
        transaction.Commit();
    }

    /// <summary>Writes tiles in one transaction.</summary>
    /// <exception cref="InvalidOperationException">A tile is already stored with different content; nothing was written.</exception>
    public void WriteTiles(IReadOnlyList<(TileId Id, Tile Tile)> tiles)
    {
        using SqliteTransaction transaction = Begin();
        for (int i = 0; i < tiles.Count; i++)
        {
            (TileId id, Tile tile) = tiles[i];
            if (!InsertTile(id, tile))
            {
                throw new InvalidOperationException(
                    $"Tile {id} is already stored in '{_path}' with different content; tiles are immutable once written. " +
                    "Two trees with different leaves must not share a tile store.");
            }
        }

        transaction.Commit();
    }

    // A file indexed in deferred mode before may lag: the stored tail is indexed first, so the
    // watermark only ever moves over contiguous seqs.
    private List<(string Model, string Path)> IndexInCommit(SqliteTransaction transaction, AppendBatch batch, long size)
    {
        Index.Enlist(transaction);
        try
        {
            List<(string Model, string Path)> paths = [];
            long watermark = Index.ReadWatermark();
            if (watermark < size)
            {
                paths.AddRange(Index.IndexStored(watermark, size));
            }

            paths.AddRange(Index.Index(batch.Entries, batch.Inputs, batch.FieldPaths));
            return paths;
        }
        finally
        {
            Index.Enlist(null);
        }
    }

    public void Dispose()
    {
        _nextSeq.Dispose();
        _insertEntry.Dispose();
        _insertInput.Dispose();
        _insertSubjects.Dispose();
        _insertTile.Dispose();
        _readTile.Dispose();
        _insertCheckpoint.Dispose();
        Erasure.Dispose();
        Index.Dispose();
        _connection.Dispose();
    }

    private SqliteTransaction Begin()
    {
        // IMMEDIATE: take the write lock up front, so the size read inside stays true until commit.
        SqliteTransaction transaction = _connection.BeginTransaction(deferred: false);
        _nextSeq.Transaction = transaction;
        _insertTile.Transaction = transaction;
        _readTile.Transaction = transaction;
        _insertCheckpoint.Transaction = transaction;
        return transaction;
    }

    private void InsertEntry(StoredEntry entry)
    {
        EntryColumns columns = entry.Columns;
        _insertEntry.Bind(1, entry.Seq);
        _insertEntry.Bind(2, columns.RequestId);
        _insertEntry.Bind(3, SqliteRows.ToUnixMicroseconds(columns.Timestamp));
        _insertEntry.Bind(4, columns.ModelName);
        _insertEntry.Bind(5, columns.ModelVersion);
        _insertEntry.Bind(6, columns.UserId);
        _insertEntry.Bind(7, columns.Tenant);
        _insertEntry.Bind(8, columns.SubjectId);
        _insertEntry.Bind(9, columns.InputFingerprint);
        _insertEntry.Bind(10, columns.Kind);
        entry.LeafHash.CopyTo(_leafHashBuffer);
        _insertEntry.Bind(11, _leafHashBuffer);
        _insertEntry.Bind(12, entry.CanonicalBytes);
        if (SqliteSchema.FingerprintKey(columns.InputFingerprint) is { } key)
        {
            _insertEntry.Bind(13, key);
        }
        else
        {
            _insertEntry.BindNull(13);
        }

        try
        {
            _insertEntry.Execute();
        }
        catch (SqliteException exception) when (SqliteErrors.IsUniqueViolation(exception))
        {
            throw new LedgerStoreException(
                $"Append rejected: request id '{columns.RequestId}' (seq {entry.Seq}) is already in the ledger database '{_path}' or earlier in the batch; " +
                "request ids are unique per ledger. Nothing of the batch was stored.",
                exception);
        }
    }

    // Returns false when a tile with the same id but different content is stored.
    private bool InsertTile(TileId id, Tile tile)
    {
        tile.WriteBase(_tileBuffer);
        _tileLevel.Value = id.Level;
        _tileIndex.Value = id.Index;
        if (_insertTile.ExecuteNonQuery() == 1)
        {
            return true;
        }

        _readTileLevel.Value = id.Level;
        _readTileIndex.Value = id.Index;
        byte[]? stored = _readTile.ExecuteScalar() as byte[];
        return stored is not null && stored.AsSpan().SequenceEqual(_tileBuffer);
    }

    private void InsertCheckpoint(StoredCheckpoint checkpoint, long size)
    {
        if (checkpoint.TreeSize < 0 || checkpoint.TreeSize > size)
        {
            throw new LedgerStoreException(
                $"Checkpoint rejected: it covers {checkpoint.TreeSize} entries but the ledger database '{_path}' will hold {size}. " +
                "A checkpoint may only cover stored entries; nothing was stored.");
        }

        _treeSize.Value = checkpoint.TreeSize;
        checkpoint.RootHash.CopyTo(_rootBuffer);
        _note.Value = checkpoint.SignedNote;
        _createdAt.Value = SqliteRows.ToUnixMicroseconds(checkpoint.CreatedAt);
        _insertCheckpoint.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static SqliteParameter Parameter(SqliteCommand command, string name, SqliteType type) =>
        command.Parameters.Add(name, type);
}
