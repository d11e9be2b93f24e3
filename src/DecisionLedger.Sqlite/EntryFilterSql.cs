using System.Text;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>Turns an <see cref="EntryFilter"/> into one parameterized, index-friendly SELECT.</summary>
internal static class EntryFilterSql
{
    /// <summary>Sets the command's text and parameters; values are only ever bound, never spliced.</summary>
    public static void Apply(SqliteCommand command, EntryFilter filter)
    {
        var sql = new StringBuilder("SELECT ").Append(SqliteSchema.EntryColumns).Append(" FROM entries WHERE 1 = 1");
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
            sql.Append(" AND ts >= @from");
            command.Parameters.AddWithValue("@from", SqliteRows.ToUnixMicroseconds(from));
        }

        if (filter.To is { } to)
        {
            sql.Append(" AND ts < @to");
            command.Parameters.AddWithValue("@to", SqliteRows.ToUnixMicroseconds(to));
        }

        WherePredicateSql.Append(command, sql, filter.Where);

        if (filter.BeforeSeq is { } beforeSeq)
        {
            sql.Append(" AND seq < @before_seq");
            command.Parameters.AddWithValue("@before_seq", beforeSeq);
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
