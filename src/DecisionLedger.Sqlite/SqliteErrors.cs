using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Turns SQLite failures into <see cref="LedgerStoreException"/>s that name the file and the fix.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;
    private const int ReadOnly = 8;
    private const int IoError = 10;
    private const int Corrupt = 11;
    private const int Full = 13;
    private const int CantOpen = 14;
    private const int Constraint = 19;
    private const int NotADatabase = 26;

    /// <summary>Wraps <paramref name="exception"/>; <paramref name="action"/> completes "could not …", e.g. "append a batch".</summary>
    public static LedgerStoreException Wrap(SqliteException exception, string path, string action, TimeSpan busyTimeout)
    {
        string message = exception.SqliteErrorCode switch
        {
            CantOpen =>
                $"Could not {action}: the ledger database '{path}' cannot be opened ({exception.Message}). " +
                "Check that its directory exists and is accessible and that the path names a file, not a directory.",
            ReadOnly =>
                $"Could not {action}: the ledger database '{path}' is read-only. Give this process write access to the file " +
                "and its directory (SQLite writes '-wal' and '-shm' files beside it), or open the store with ReadOnly = true to only read.",
            Full =>
                $"Could not {action}: the disk holding the ledger database '{path}' is full; nothing of this write was stored. Free space and retry.",
            IoError =>
                $"Could not {action}: an I/O error occurred on the ledger database '{path}' ({exception.Message}); nothing of this write was stored. " +
                "Check the disk and file system, then retry.",
            Corrupt or NotADatabase =>
                $"Could not {action}: the file '{path}' is corrupt or is not a DecisionLedger database ({exception.Message}). " +
                "Do not write to it: restore it from a backup, or check the path.",
            Busy or Locked =>
                $"Could not {action}: the ledger database '{path}' stayed locked by another connection or process for {busyTimeout.TotalSeconds:0.#} s. " +
                "Stop the other writer, or raise BusyTimeout.",
            Constraint =>
                $"Could not {action}: the ledger database '{path}' refused it ({exception.Message}); nothing of this write was stored.",
            _ =>
                $"Could not {action} on the ledger database '{path}': {exception.Message} (SQLite error {exception.SqliteErrorCode}).",
        };
        return new LedgerStoreException(message, exception);
    }

    /// <summary>Whether a failed insert broke a UNIQUE or PRIMARY KEY constraint.</summary>
    public static bool IsUniqueViolation(SqliteException exception) =>
        exception.SqliteErrorCode == Constraint
        && (exception.SqliteExtendedErrorCode == 2067 || exception.SqliteExtendedErrorCode == 1555);
}
