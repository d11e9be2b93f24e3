using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Cli;

/// <summary>
/// Tells a store that is damaged (a corrupt page, rows that cannot be read as what they must be)
/// from one that merely failed (busy, full disk, no access). For <c>verify</c> the first is a
/// finding, exit 1: a corrupt database is evidence of tampering or damage, not a reason to retry.
/// </summary>
internal static class StoreDamage
{
    private const int SqliteCorrupt = 11;
    private const int SqliteFormat = 24;
    private const int SqliteNotADatabase = 26;

    /// <summary>Whether <paramref name="exception"/> (or one it wraps) says the stored data is damaged.</summary>
    public static bool IsDamage(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteFormat or SqliteNotADatabase })
            {
                return true;
            }

            // The stores' own checks of what they read back ("holds a 7-byte hash … the data was altered",
            // "is damaged: seq 9 missing").
            if (e is LedgerStoreException && (e.Message.Contains("was altered", StringComparison.Ordinal) || e.Message.Contains("is damaged", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
