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
    public static void Apply(SqliteCommand command, EntryFilter filter, string? driver = null, long? windowStart = null, string? walkIndex = null)
    {
        var sql = new StringBuilder("SELECT ").Append(SqliteSchema.EntryColumns);

        // NOT INDEXED keeps the planner on the driver's seqs (rowid lookups stay allowed): with an
        // index of its own it could walk, say, the model's entries and test each against the seqs.
        sql.Append(driver is null ? " FROM entries WHERE 1 = 1"
            : walkIndex is null ? " FROM entries NOT INDEXED WHERE " + driver
            : " FROM entries INDEXED BY " + walkIndex + " WHERE " + driver);
        Equal(command, sql, "request_id", filter.RequestId);
        Equal(command, sql, "model", filter.ModelName);
        Equal(command, sql, "version", filter.ModelVersion);
        Equal(command, sql, "user_id", filter.UserId);
        Equal(command, sql, "tenant", filter.Tenant);
        Equal(command, sql, "subject_id", filter.SubjectId);
        if (filter.InputFingerprint is not null)
        {
            sql.Append(" AND fingerprint_key = @fingerprint_key");
            command.Parameters.AddWithValue("@fingerprint_key", (object?)SqliteSchema.FingerprintKey(filter.InputFingerprint) ?? DBNull.Value);
            Equal(command, sql, "fingerprint", filter.InputFingerprint);
        }
        if (filter.Kind is not null)
        {
            Equal(command, sql, "kind", filter.Kind);
            if (!string.Equals(filter.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
            {
                // A constant the planner can see, so it may use the partial index of ledger events.
                sql.Append(" AND kind <> 'decision'");
            }
        }

        if (filter.From is { } from)
        {
            sql.Append(windowStart is null ? " AND ts >= @from" : " AND +ts >= @from");
            command.Parameters.AddWithValue("@from", SqliteRows.ToUnixMicroseconds(from));
        }

        if (filter.To is { } to)
        {
            sql.Append(windowStart is null ? " AND ts < @to" : " AND +ts < @to");
            command.Parameters.AddWithValue("@to", SqliteRows.ToUnixMicroseconds(to));
        }

        WherePredicateSql.Append(command, sql, filter.Where);

        if (filter.BeforeSeq is { } beforeSeq)
        {
            sql.Append(" AND seq < @before_seq");
            command.Parameters.AddWithValue("@before_seq", beforeSeq);
        }

        if (windowStart is { } start)
        {
            sql.Append(" AND seq >= @window_start");
            command.Parameters.AddWithValue("@window_start", start);
        }

        sql.Append(" ORDER BY seq DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", filter.Limit);
        command.CommandText = sql.ToString();
    }

    private static void Equal(SqliteCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = @").Append(column);
        command.Parameters.AddWithValue("@" + column, value);
    }
}
