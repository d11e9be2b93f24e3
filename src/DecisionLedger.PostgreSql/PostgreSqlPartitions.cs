using DecisionLedger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The monthly partitions of the entries table, as the writer's connection creates them: ahead
/// on open, and for any month a batch reaches that was not created yet. Remembers the months it
/// has ensured, so a batch in a known month costs no statement.
/// </summary>
internal sealed class PostgreSqlPartitions(NpgsqlConnection connection, string schema)
{
    private readonly NpgsqlConnection _connection = connection;
    private readonly string _schema = schema;
    private readonly HashSet<int> _months = [];

    /// <summary>Creates (if missing) the entry partitions of every month from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public async Task EnsureAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {_schema}.ensure_entry_partitions(@from, @to);", _connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(new NpgsqlParameter<DateTime>("from", NpgsqlDbType.TimestampTz) { TypedValue = PostgreSqlRows.ToTimestamp(from) });
        command.Parameters.Add(new NpgsqlParameter<DateTime>("to", NpgsqlDbType.TimestampTz) { TypedValue = PostgreSqlRows.ToTimestamp(to) });
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        for (DateTime month = MonthStart(from); month <= to.UtcDateTime; month = month.AddMonths(1))
        {
            _months.Add(MonthKey(month));
        }
    }

    /// <summary>Creates the partitions of the months a batch's entries fall in that this connection has not created or seen yet.</summary>
    public async Task EnsureForBatchAsync(IReadOnlyList<StoredEntry> entries, CancellationToken cancellationToken)
    {
        DateTimeOffset? missingFrom = null;
        DateTimeOffset missingTo = default;
        foreach (StoredEntry entry in entries)
        {
            DateTimeOffset ts = entry.Columns.Timestamp;
            if (!_months.Contains(MonthKey(ts.UtcDateTime)))
            {
                missingFrom = missingFrom is { } f && f <= ts ? f : ts;
                missingTo = ts > missingTo ? ts : missingTo;
            }
        }

        // Created outside the batch's transaction: partition DDL locks the parent table, and an
        // empty partition left behind by a failed batch is harmless.
        if (missingFrom is { } from)
        {
            await EnsureAsync(from, missingTo, cancellationToken).ConfigureAwait(false);
        }
    }

    private static DateTime MonthStart(DateTimeOffset value)
    {
        DateTime utc = value.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, 1, 0, 0, 0, DateTimeKind.Utc);
    }

    private static int MonthKey(DateTime utc) => (utc.Year * 12) + utc.Month - 1;
}
