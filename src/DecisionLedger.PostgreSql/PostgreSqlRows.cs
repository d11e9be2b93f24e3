using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>Converts between ledger values and PostgreSQL columns.</summary>
internal static class PostgreSqlRows
{
    /// <summary>The <c>timestamptz</c> value of a ledger time: UTC, as Npgsql requires.</summary>
    public static DateTime ToTimestamp(DateTimeOffset value) => value.UtcDateTime;

    /// <summary>Reads a <c>timestamptz</c> column as a UTC <see cref="DateTimeOffset"/>.</summary>
    public static DateTimeOffset ReadTimestamp(NpgsqlDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>Reads one row selected with <see cref="PostgreSqlSchema.EntryColumns"/>.</summary>
    /// <exception cref="LedgerStoreException">The stored leaf hash is not 32 bytes.</exception>
    public static StoredEntry ReadEntry(NpgsqlDataReader reader, byte[] scratch, string target)
    {
        long seq = reader.GetInt64(0);
        var columns = new EntryColumns(
            RequestId: reader.GetString(1),
            Timestamp: ReadTimestamp(reader, 2),
            ModelName: reader.IsDBNull(3) ? string.Empty : reader.GetString(3),
            ModelVersion: reader.IsDBNull(4) ? string.Empty : reader.GetString(4),
            UserId: reader.IsDBNull(5) ? null : reader.GetString(5),
            Tenant: reader.IsDBNull(6) ? null : reader.GetString(6),
            SubjectId: reader.IsDBNull(7) ? null : reader.GetString(7),
            InputFingerprint: reader.IsDBNull(8) ? null : reader.GetString(8),
            Kind: reader.IsDBNull(9) ? EntryColumns.DecisionKind : reader.GetString(9));
        Sha256Hash leafHash = ReadHash(reader, 10, scratch, target, seq);
        byte[] body = reader.GetFieldValue<byte[]>(11);
        return new StoredEntry(seq, body, leafHash, columns);
    }

    /// <summary>Reads a 32-byte hash column through <paramref name="scratch"/> instead of a new array.</summary>
    /// <exception cref="LedgerStoreException">The column is not 32 bytes.</exception>
    public static Sha256Hash ReadHash(NpgsqlDataReader reader, int ordinal, byte[] scratch, string target, long seq)
    {
        long length = reader.IsDBNull(ordinal) ? 0 : reader.GetBytes(ordinal, 0, null, 0, 0);
        if (length != Sha256Hash.Size)
        {
            throw new LedgerStoreException(
                $"{target} holds a {length}-byte hash at seq {seq} where 32 bytes belong: the data was altered. Run 'dledger verify' and restore from a backup.");
        }

        reader.GetBytes(ordinal, 0, scratch, 0, Sha256Hash.Size);
        return Sha256Hash.FromBytes(scratch.AsSpan(0, Sha256Hash.Size));
    }

    /// <summary>Reads a stored input row <c>(seq, salt, input)</c>.</summary>
    public static StoredInput ReadInput(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? [] : reader.GetFieldValue<byte[]>(1),
        reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2));
}
