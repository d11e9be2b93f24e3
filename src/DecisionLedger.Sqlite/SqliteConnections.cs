using System.Runtime.CompilerServices;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The connections of a <see cref="SqliteLedgerStore"/>: its one writer connection behind the write
/// lock, pooled read-only connections, and the translation of every SQLite failure into a
/// <see cref="LedgerStoreException"/> naming the file, the action and the fix.
/// </summary>
internal sealed class SqliteConnections
{
    private readonly SqliteLedgerStoreOptions _options;
    private readonly string _writeConnectionString;
    private readonly string _readConnectionString;
    private readonly Lock _writeLock = new();
    private SqliteWriter? _writer;
    private volatile bool _disposed;

    public SqliteConnections(string databasePath, SqliteLedgerStoreOptions options)
    {
        _options = options;
        DatabasePath = databasePath;
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

    /// <summary>Batches committed here and not indexed yet (deferred mode only), guarded by the write lock.</summary>
    public SqliteCommittedBatches? Committed { get; private set; }

    /// <summary>
    /// Opens the writer connection (creating or upgrading the schema) unless open. A synchronous
    /// index is caught up first (the file may come from a deferred store); a deferred one starts
    /// holding committed batches for its indexer when <paramref name="holdCommitted"/>.
    /// </summary>
    public void OpenWriter(bool holdCommitted)
    {
        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteLedgerStore));
            _writer ??= new SqliteWriterFactory(DatabasePath, _writeConnectionString, _options).Create();
            if (_options.IndexMode == SqliteIndexMode.Synchronous)
            {
                CatchUpIndex(_writer);
            }
            else if (holdCommitted)
            {
                Committed ??= new SqliteCommittedBatches();
            }
        }
    }

    /// <summary>Indexes every entry up to the log's end on <paramref name="writer"/>; the caller holds the write lock.</summary>
    public long CatchUpIndex(SqliteWriter writer)
    {
        long total = 0;
        int indexed;
        while ((indexed = writer.Index.IndexNext(SqliteIndexer.BatchSize, Committed)) > 0)
        {
            total += indexed;
        }

        return total;
    }

    /// <summary>One batch of the background indexer, under the write lock like every write of this process.</summary>
    public int IndexNext(int maxEntries)
    {
        int indexed = 0;
        Write("index appended entries", writer => indexed = writer.Index.IndexNext(maxEntries, Committed, relaxSync: true));
        return indexed;
    }

    /// <summary>
    /// Closes the writer and the idle read connections, then (when this store wrote) checkpoints
    /// the WAL into the database file and truncates it; false when already closed.
    /// </summary>
    public bool Close()
    {
        bool wrote;
        lock (_writeLock)
        {
            if (_disposed)
            {
                return false;
            }

            _disposed = true;
            wrote = _writer is not null;
            _writer?.Dispose();
            _writer = null;
        }

        using (var pooled = new SqliteConnection(_readConnectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        if (wrote)
        {
            CheckpointWal();
        }

        return true;
    }

    /// <summary>
    /// Copies every committed page from the WAL into the database file and truncates the WAL, so
    /// that after a clean stop <c>ledger.db</c> alone holds the whole ledger (a file copy of it is
    /// a backup). SQLite does this itself only when the last connection to close can write; the
    /// read pool used to close last, read-only, and left the data in <c>ledger.db-wal</c>.
    /// </summary>
    /// <remarks>
    /// Best effort: another process reading the file (a CLI query beside a collector) may keep the
    /// checkpoint from completing, which loses nothing: the WAL stays, and is as durable as before.
    /// </remarks>
    private void CheckpointWal()
    {
        try
        {
            using var connection = new SqliteConnection(_writeConnectionString);
            connection.Open();
            using SqliteCommand checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";

            // A close must not hang on another process's lock for the full busy timeout.
            checkpoint.CommandTimeout = 2;
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Busy or locked by another process: the WAL keeps the data; see the remarks.
        }
    }

    public SqliteConnection OpenReadConnection(string action)
    {
        ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteLedgerStore));
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

    public T Read<T>(string action, Func<SqliteConnection, T> read)
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

    public void Read(string action, Action<SqliteConnection> read) =>
        Read(action, connection =>
        {
            read(connection);
            return true;
        });

    public void Write(string action, Action<SqliteWriter> write)
    {
        if (_options.ReadOnly)
        {
            throw new LedgerStoreException(
                $"Could not {action}: the ledger database '{DatabasePath}' was opened read-only. Open it without ReadOnly to write.");
        }

        lock (_writeLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteLedgerStore));
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
    public void WriteSchema(string action, Action<SqliteConnection, SqliteTransaction> change)
    {
        Write(action, writer =>
        {
            // The field catalog the change may check must hold every entry.
            CatchUpIndex(writer);
            using var connection = new SqliteConnection(_writeConnectionString);
            connection.Open();
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            change(connection, transaction);
            transaction.Commit();
        });
    }

    public SqliteDataReader ExecuteReader(SqliteCommand command, string action)
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

    public async ValueTask<bool> ReadRowAsync(SqliteDataReader reader, string action, CancellationToken cancellationToken)
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

    public async IAsyncEnumerable<StoredEntry> StreamEntriesAsync(SqliteCommand command, string action, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using SqliteDataReader reader = ExecuteReader(command, action);
        byte[] scratch = new byte[Sha256Hash.Size];
        while (await ReadRowAsync(reader, action, cancellationToken).ConfigureAwait(false))
        {
            yield return SqliteRows.ReadEntry(reader, scratch, DatabasePath);
        }
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : 0;
    }

    public LedgerStoreException Wrap(SqliteException exception, string action) =>
        SqliteErrors.Wrap(exception, DatabasePath, action, _options.BusyTimeout);
}
