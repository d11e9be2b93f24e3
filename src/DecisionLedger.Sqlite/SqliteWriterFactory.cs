using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// Opens the one writer connection of a <see cref="SqliteConnections"/>: the file created owner-only,
/// the connection's pragmas (page size, WAL, durability, secure delete, cache) and the schema
/// created or upgraded, so the connection pool and the lock that guard it stay apart from how it starts.
/// </summary>
internal sealed class SqliteWriterFactory(string databasePath, string connectionString, SqliteLedgerStoreOptions options)
{
    private readonly string _databasePath = databasePath;
    private readonly string _connectionString = connectionString;
    private readonly SqliteLedgerStoreOptions _options = options;

    /// <summary>Opens the writer connection, sets its pragmas and creates or upgrades the schema.</summary>
    /// <exception cref="LedgerStoreException">The file cannot be created, is read-only, or is from a newer version.</exception>
    public SqliteWriter Create()
    {
        CreateOwnerOnlyFile();
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            if (SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1)
            {
                throw new LedgerStoreException(
                    $"Could not open the ledger database '{_databasePath}' for writing: the file is read-only. " +
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

            bool backfill = SqliteSchema.Ensure(connection, _databasePath);
            var writer = new SqliteWriter(connection, _databasePath, _options.IndexMode == SqliteIndexMode.Synchronous);
            if (backfill)
            {
                writer.Index.Catalog.Backfill();
            }

            return writer;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw SqliteErrors.Wrap(exception, _databasePath, "open the ledger for writing", _options.BusyTimeout);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the database file empty with mode 0600 before SQLite opens it: SQLite gives its
    /// <c>-wal</c> and <c>-shm</c> files the database file's mode, so all three are readable by
    /// the owner only instead of whatever the umask allows (inputs and fingerprints live there).
    /// An empty file is a valid empty database. An existing file keeps its mode.
    /// </summary>
    private void CreateOwnerOnlyFile()
    {
        if (OperatingSystem.IsWindows() || File.Exists(_databasePath))
        {
            return;
        }

        try
        {
            using var created = new FileStream(_databasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(_databasePath))
        {
            // Another process created it first; SQLite opens that one.
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new LedgerStoreException(
                $"Could not create the ledger database '{_databasePath}': {exception.Message} Give this process write access to the directory.", exception);
        }
    }
}
