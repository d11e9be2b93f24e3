using System.Text;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Turns an <see cref="EntryFilter"/> into one parameterized, index-friendly SELECT.</summary>
internal static class EntryFilterSql
{
    /// <summary>Sets the command's text and parameters; values are only ever bound, never spliced.</summary>
    /// <param name="command">The command.</param>
    /// <param name="filter">The filter.</param>
    /// <param name="driver">
    /// A condition from <see cref="QueryDriverSql"/> that selects a superset of the matches by seq
    /// (every filter is still checked), or null for the planner's own plan.
    /// </param>
    /// <param name="windowStart">
    /// When set, only seqs from this one up, walked in seq order: the time bounds are written so
    /// that the time index cannot serve them.
    /// </param>
    /// <param name="walkIndex">The quoted name of the index <paramref name="driver"/> reads in seq order, or null.</param>
    /// <param name="tailFrom">When set, only seqs from this one up (the entries the indexer has not reached), read from the entries table alone.</param>
    /// <param name="joinIndex">
    /// True to find the entries through <c>entry_index</c> (the column filters are answered from its
    /// indexes, walked newest first); only without <paramref name="driver"/>, for seqs the indexer covers.
    /// </param>
    public static void Apply(SqliteCommand command, EntryFilter filter, string? driver = null, long? windowStart = null, string? walkIndex = null, long? tailFrom = null, bool joinIndex = false)
    {
        // Through the index, k is the outer loop (CROSS JOIN fixes the order) and entries are read by
        // seq; the columns kept only as 8-byte keys in the index are confirmed on the entry.
        string k = joinIndex ? "k." : "";
        var sql = new StringBuilder("SELECT ").Append(joinIndex ? SqliteSchema.QualifiedEntryColumns : SqliteSchema.EntryColumns);

        // NOT INDEXED keeps the planner on the driver's seqs (rowid lookups stay allowed): with an
        // index of its own it could walk, say, the model's entries and test each against the seqs.
        sql.Append(joinIndex ? " FROM entry_index k CROSS JOIN entries ON entries.seq = k.seq WHERE 1 = 1"
            : driver is null ? " FROM entries WHERE 1 = 1"
            : walkIndex is null ? " FROM entries NOT INDEXED WHERE " + driver
            : " FROM entries INDEXED BY " + walkIndex + " WHERE " + driver);
        Equal(command, sql, "entries.request_id", "@request_id", filter.RequestId);
        Equal(command, sql, k + "model", "@model", filter.ModelName);
        Equal(command, sql, k + "version", "@version", filter.ModelVersion);
        Equal(command, sql, k + "user_id", "@user_id", filter.UserId);
        Equal(command, sql, k + "tenant", "@tenant", filter.Tenant);
        if (filter.SubjectId is not null && joinIndex)
        {
            sql.Append(" AND k.subject_key = @subject_key");
            command.Parameters.AddWithValue("@subject_key", SqliteSchema.SubjectKey(filter.SubjectId));
        }

        Equal(command, sql, "entries.subject_id", "@subject_id", filter.SubjectId);
        if (filter.InputFingerprint is not null)
        {
            sql.Append(" AND ").Append(k).Append("fingerprint_key = @fingerprint_key");
            command.Parameters.AddWithValue("@fingerprint_key", (object?)SqliteSchema.FingerprintKey(filter.InputFingerprint) ?? DBNull.Value);
            Equal(command, sql, "entries.fingerprint", "@fingerprint", filter.InputFingerprint);
        }

        if (filter.Kind is not null)
        {
            Equal(command, sql, k + "kind", "@kind", filter.Kind);
            if (!string.Equals(filter.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
            {
                // A constant the planner can see, so it may use the partial index of ledger events.
                sql.Append(" AND ").Append(k).Append("kind <> 'decision'");
            }
        }

        if (filter.From is { } from)
        {
            sql.Append(windowStart is null ? $" AND {k}ts >= @from" : " AND +ts >= @from");
            command.Parameters.AddWithValue("@from", SqliteRows.ToUnixMicroseconds(from));
        }

        if (filter.To is { } to)
        {
            sql.Append(windowStart is null ? $" AND {k}ts < @to" : " AND +ts < @to");
            command.Parameters.AddWithValue("@to", SqliteRows.ToUnixMicroseconds(to));
        }

        WherePredicateSql.Append(command, sql, filter.Where);

        string seq = joinIndex ? "k.seq" : "entries.seq";
        if (filter.BeforeSeq is { } beforeSeq)
        {
            sql.Append(" AND ").Append(seq).Append(" < @before_seq");
            command.Parameters.AddWithValue("@before_seq", beforeSeq);
        }

        if (tailFrom is { } tail)
        {
            sql.Append(" AND seq >= @tail_from");
            command.Parameters.AddWithValue("@tail_from", tail);
        }

        if (windowStart is { } start)
        {
            sql.Append(" AND seq >= @window_start");
            command.Parameters.AddWithValue("@window_start", start);
        }

        sql.Append(" ORDER BY ").Append(seq).Append(" DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", filter.Limit);
        command.CommandText = sql.ToString();
    }

    private static void Equal(SqliteCommand command, StringBuilder sql, string column, string parameter, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = ").Append(parameter);
        command.Parameters.AddWithValue(parameter, value);
    }
}
