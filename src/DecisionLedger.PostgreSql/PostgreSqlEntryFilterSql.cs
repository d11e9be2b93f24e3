using System.Text;
using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>Turns an <see cref="EntryFilter"/> into one parameterized, index-friendly SELECT over the partitioned entries.</summary>
internal static class PostgreSqlEntryFilterSql
{
    /// <summary>Sets the command's text and parameters; values are only ever bound, never spliced.</summary>
    public static void Apply(NpgsqlCommand command, EntryFilter filter, string schema)
    {
        var sql = new StringBuilder("SELECT ").Append(PostgreSqlSchema.EntryColumns).Append(" FROM ").Append(schema).Append(".entries")
            .Append(PostgreSqlWherePredicateSql.Joins(filter.Where, schema)).Append(" WHERE true");
        if (filter.RequestId is not null)
        {
            // entries has no unique request id index (it would have to include ts); request_ids has.
            sql.Append(" AND seq = (SELECT seq FROM ").Append(schema).Append(".request_ids WHERE request_id = @request_id)");
        }

        Equal(command, sql, "request_id", filter.RequestId);
        Equal(command, sql, "model", filter.ModelName);
        Equal(command, sql, "version", filter.ModelVersion);
        Equal(command, sql, "user_id", filter.UserId);
        Equal(command, sql, "tenant", filter.Tenant);
        Equal(command, sql, "subject_id", filter.SubjectId);
        Equal(command, sql, "fingerprint", filter.InputFingerprint);
        if (filter.Kind is not null)
        {
            Equal(command, sql, "kind", filter.Kind);
            if (!string.Equals(filter.Kind, EntryColumns.DecisionKind, StringComparison.Ordinal))
            {
                // A constant the planner can see, so it may use the partial index of ledger events.
                sql.Append(" AND kind <> 'decision'");
            }
        }

        // Time bounds prune whole monthly partitions.
        if (filter.From is { } from)
        {
            sql.Append(" AND ts >= @from");
            command.Parameters.Add(new NpgsqlParameter<DateTime>("from", NpgsqlDbType.TimestampTz) { TypedValue = PostgreSqlRows.ToTimestamp(from) });
        }

        if (filter.To is { } to)
        {
            sql.Append(" AND ts < @to");
            command.Parameters.Add(new NpgsqlParameter<DateTime>("to", NpgsqlDbType.TimestampTz) { TypedValue = PostgreSqlRows.ToTimestamp(to) });
        }

        if (filter.BeforeSeq is { } beforeSeq)
        {
            sql.Append(" AND seq < @before_seq");
            command.Parameters.Add(new NpgsqlParameter<long>("before_seq", NpgsqlDbType.Bigint) { TypedValue = beforeSeq });
        }

        // Field predicates parse each row's JSON and use no index: the column filters above narrow the rows.
        PostgreSqlWherePredicateSql.Append(command, sql, filter.Where);
        sql.Append(" ORDER BY seq DESC LIMIT @limit;");
        command.Parameters.Add(new NpgsqlParameter<int>("limit", NpgsqlDbType.Integer) { TypedValue = filter.Limit });
        command.CommandText = sql.ToString();
    }

    private static void Equal(NpgsqlCommand command, StringBuilder sql, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = @").Append(column);
        command.Parameters.Add(new NpgsqlParameter<string>(column, NpgsqlDbType.Text) { TypedValue = value });
    }
}
