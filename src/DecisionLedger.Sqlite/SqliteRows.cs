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
    public static StoredEntry ReadEntry(SqliteDataReader reader, byte[] scratch, string path)
    {
        long seq = reader.GetInt64(0);
        var columns = new EntryColumns(
            RequestId: reader.GetString(1),
            Timestamp: FromUnixMicroseconds(reader.GetInt64(2)),
            ModelName: reader.IsDBNull(3) ? string.Empty : reader.GetString(3),
            ModelVersion: reader.IsDBNull(4) ? string.Empty : reader.GetString(4),
            UserId: reader.IsDBNull(5) ? null : reader.GetString(5),
            Tenant: reader.IsDBNull(6) ? null : reader.GetString(6),
            SubjectId: reader.IsDBNull(7) ? null : reader.GetString(7),
            InputFingerprint: reader.IsDBNull(8) ? null : reader.GetString(8),
            Kind: reader.IsDBNull(9) ? EntryColumns.DecisionKind : reader.GetString(9));
        Sha256Hash leafHash = ReadHash(reader, 10, scratch, path, seq);
        byte[] body = reader.GetFieldValue<byte[]>(11);
        return new StoredEntry(seq, body, leafHash, columns);
    }

    /// <summary>Reads a 32-byte hash column through <paramref name="scratch"/> (at least 32 bytes) instead of a new array.</summary>
    /// <exception cref="LedgerStoreException">The column is not 32 bytes.</exception>
    public static Sha256Hash ReadHash(SqliteDataReader reader, int ordinal, byte[] scratch, string path, long seq)
    {
        long length = reader.IsDBNull(ordinal) ? 0 : reader.GetBytes(ordinal, 0, null, 0, 0);
        if (length != Sha256Hash.Size)
        {
            throw new LedgerStoreException(
                $"The ledger database '{path}' holds a {length}-byte hash at seq {seq} where 32 bytes belong: the file was altered. Run 'dledger verify' and restore from a backup.");
        }

        reader.GetBytes(ordinal, 0, scratch, 0, Sha256Hash.Size);
        return Sha256Hash.FromBytes(scratch.AsSpan(0, Sha256Hash.Size));
    }
}
