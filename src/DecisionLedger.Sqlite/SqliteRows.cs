using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Converts between ledger values and SQLite columns.</summary>
internal static class SqliteRows
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>Unix time in microseconds: the <c>ts</c> and <c>created_at</c> columns.</summary>
    public static long ToUnixMicroseconds(DateTimeOffset value) =>
        (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond;

    /// <summary>The inverse of <see cref="ToUnixMicroseconds"/>, in UTC.</summary>
    public static DateTimeOffset FromUnixMicroseconds(long microseconds) =>
        new(DateTimeOffset.UnixEpoch.UtcTicks + (microseconds * TicksPerMicrosecond), TimeSpan.Zero);

    /// <summary>Reads one row selected with <see cref="SqliteSchema.EntryColumns"/>.</summary>
    /// <exception cref="LedgerStoreException">The stored leaf hash is not 32 bytes.</exception>
    public static StoredEntry ReadEntry(SqliteDataReader reader, byte[] scratch, string path) =>
        StoredEntryRows.ReadEntry(reader, static (row, ordinal) => FromUnixMicroseconds(row.GetInt64(ordinal)), scratch, path);

    /// <summary>Reads a 32-byte hash column through <paramref name="scratch"/> (at least 32 bytes) instead of a new array.</summary>
    /// <exception cref="LedgerStoreException">The column is not 32 bytes.</exception>
    public static Sha256Hash ReadHash(SqliteDataReader reader, int ordinal, byte[] scratch, string path, long seq) =>
        StoredEntryRows.ReadHash(reader, ordinal, scratch, path, seq);
}
