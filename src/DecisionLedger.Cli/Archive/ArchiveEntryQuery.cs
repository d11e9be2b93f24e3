using System.Text;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using DuckDB.NET.Data;

namespace DecisionLedger.Cli.Archive;

/// <summary>
/// The archived decisions matching an <see cref="EntryFilter"/>, newest first, read by DuckDB from
/// the archive's Parquet files: the filters of <c>dledger query</c> on the archive's columns (model,
/// version, subject, request id, time) and on the entry JSON (user, tenant, <c>--where</c>).
/// </summary>
internal static class ArchiveEntryQuery
{
    /// <summary>Runs the query.</summary>
    /// <param name="database">The archive.</param>
    /// <param name="filter">The filters; <see cref="EntryFilter.BeforeSeq"/> bounds the seqs, <see cref="EntryFilter.InputFingerprint"/> must be null.</param>
    /// <param name="limit">The most entries to return.</param>
    public static List<StoredEntry> Run(ArchiveDatabase database, EntryFilter filter, int limit)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(filter);
        var entries = new List<StoredEntry>();

        // The archive holds decision entries only; ledger events never leave the live store.
        if (filter.Kind is { } kind && !string.Equals(kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
        {
            return entries;
        }

        using DuckDBCommand command = database.CreateCommand();
        var sql = new StringBuilder("SELECT seq, entry FROM archive_rows WHERE true");
        Equal(command, sql, "model", "model", filter.ModelName);
        Equal(command, sql, "version", "version", filter.ModelVersion);
        Equal(command, sql, "subject", "subject", filter.SubjectId);
        Equal(command, sql, "request_id", "request_id", filter.RequestId);
        Equal(command, sql, "json_extract_string(decode(entry), '$.actor.userId')", "user_id", filter.UserId);
        Equal(command, sql, "json_extract_string(decode(entry), '$.actor.tenant')", "tenant", filter.Tenant);
        Bound(command, sql, "\"timestamp\" >= $from_us", "from_us", filter.From is { } from ? Microseconds(from) : null);
        Bound(command, sql, "\"timestamp\" < $to_us", "to_us", filter.To is { } to ? Microseconds(to) : null);
        Bound(command, sql, "seq < $before", "before", filter.BeforeSeq);
        ArchiveWhereSql.Append(command, sql, filter.Where);
        sql.Append(" ORDER BY seq DESC LIMIT $limit");
        command.Parameters.Add(new DuckDBParameter("limit", (long)limit));
        command.CommandText = sql.ToString();

        using DuckDBDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            long seq = reader.GetInt64(0);
            byte[] canonical = ReadBlob(reader, 1);
            entries.Add(new StoredEntry(seq, canonical, MerkleHasher.HashLeaf(canonical), ArchivedEntryColumns.Read(canonical, seq)));
        }

        return entries;
    }

    /// <summary>True when some archived decision (or its plaintext input) holds the field <paramref name="path"/>.</summary>
    public static bool HasPath(ArchiveDatabase database, FieldPath path)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(path);
        using DuckDBCommand command = database.CreateCommand();
        var sql = new StringBuilder("SELECT count(*) FROM (SELECT 1 FROM archive_rows WHERE true");
        ArchiveWhereSql.Append(command, sql, [new FieldPredicate(path, WhereOperator.Exists, WhereLiteral.None)]);
        sql.Append(" LIMIT 1)");
        command.CommandText = sql.ToString();
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Microseconds since the Unix epoch, the archive's timestamp unit.</summary>
    public static long Microseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    private static void Equal(DuckDBCommand command, StringBuilder sql, string column, string parameter, string? value)
    {
        if (value is not null)
        {
            sql.Append(" AND ").Append(column).Append(" = $").Append(parameter);
            command.Parameters.Add(new DuckDBParameter(parameter, value));
        }
    }

    private static void Bound(DuckDBCommand command, StringBuilder sql, string condition, string parameter, long? value)
    {
        if (value is { } bound)
        {
            sql.Append(" AND ").Append(condition);
            command.Parameters.Add(new DuckDBParameter(parameter, bound));
        }
    }

    private static byte[] ReadBlob(DuckDBDataReader reader, int ordinal)
    {
        using Stream stream = reader.GetStream(ordinal);
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
