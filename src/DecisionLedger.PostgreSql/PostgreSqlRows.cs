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
    public static StoredEntry ReadEntry(NpgsqlDataReader reader, byte[] scratch, string target) =>
        StoredEntryRows.ReadEntry(reader, static (row, ordinal) => ReadTimestamp((NpgsqlDataReader)row, ordinal), scratch, target);

    /// <summary>Reads a 32-byte hash column through <paramref name="scratch"/> instead of a new array.</summary>
    /// <exception cref="LedgerStoreException">The column is not 32 bytes.</exception>
    public static Sha256Hash ReadHash(NpgsqlDataReader reader, int ordinal, byte[] scratch, string target, long seq) =>
        StoredEntryRows.ReadHash(reader, ordinal, scratch, target, seq);

    /// <summary>Reads a stored input row <c>(seq, salt, input)</c>.</summary>
    public static StoredInput ReadInput(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? [] : reader.GetFieldValue<byte[]>(1),
        reader.IsDBNull(2) ? [] : reader.GetFieldValue<byte[]>(2));
}
