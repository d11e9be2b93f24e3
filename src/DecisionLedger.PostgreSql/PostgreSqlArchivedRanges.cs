using DecisionLedger.Archiving;
using Npgsql;
using NpgsqlTypes;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// Reads <c>archived_ranges</c> and calls the two SECURITY DEFINER functions of migration 10 that
/// record a range and remove its decision rows (<see cref="PostgreSqlArchiveSchema"/>): the
/// application role has no other way to change either.
/// </summary>
internal static class PostgreSqlArchivedRanges
{
    /// <summary>SQLSTATE the archive functions raise for a range they refuse (invalid_parameter_value).</summary>
    private const string RefusedRange = "22023";

    /// <summary>SQLSTATE of a deadlock PostgreSQL broke by aborting this transaction.</summary>
    private const string Deadlock = "40P01";

    /// <summary>How often a removal aborted by a deadlock is tried in all.</summary>
    private const int RemovalAttempts = 3;

    public static async Task<IReadOnlyList<ArchivedRange>> ReadAllAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT first_seq, last_seq, event_seq, destination, removed_rows FROM {schema}.archived_ranges ORDER BY first_seq;", connection);
        await using var commandScope = command.ConfigureAwait(false);
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var ranges = new List<ArchivedRange>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ranges.Add(new ArchivedRange(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4)));
        }

        return ranges;
    }

    /// <summary>Whether archiving has removed any row yet (then leaf hashes of missing seqs are read from the tiles).</summary>
    public static Task<long> RemovedRowsAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken) =>
        PostgreSqlConnections.ScalarAsync(connection, $"SELECT coalesce(sum(removed_rows), 0)::bigint FROM {schema}.archived_ranges;", cancellationToken);

    /// <exception cref="ArgumentException">The function refused the range (overlap, no archived event after it, outside the stored tiles).</exception>
    public static async Task RecordAsync(NpgsqlConnection connection, string schema, ArchivedRange range, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {schema}.record_archived_range(@first, @last, @event, @destination);", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(PostgreSqlConnections.Bigint("first", range.FirstSeq));
        command.Parameters.Add(PostgreSqlConnections.Bigint("last", range.LastSeq));
        command.Parameters.Add(PostgreSqlConnections.Bigint("event", range.EventSeq));
        command.Parameters.Add(new NpgsqlParameter<string>("destination", NpgsqlDbType.Text) { TypedValue = range.Destination });
        await RunAsync(command, "range", cancellationToken).ConfigureAwait(false);
    }

    /// <exception cref="ArgumentException">No recorded range covers the seqs.</exception>
    public static async Task<long> RemoveAsync(NpgsqlConnection connection, string schema, long firstSeq, long lastSeq, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT {schema}.remove_archived_bodies(@first, @last);", connection);
        await using var commandScope = command.ConfigureAwait(false);
        command.Parameters.Add(PostgreSqlConnections.Bigint("first", firstSeq));
        command.Parameters.Add(PostgreSqlConnections.Bigint("last", lastSeq));
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return (long)(await RunAsync(command, "firstSeq", cancellationToken).ConfigureAwait(false))!;
            }
            catch (PostgresException exception) when (exception.SqlState == Deadlock && attempt < RemovalAttempts)
            {
                // A writer creating a month partition while a swap waits for the table: PostgreSQL aborts
                // one of the two. The removal rolled back whole and may simply run again.
            }
        }
    }

    private static async Task<object?> RunAsync(NpgsqlCommand command, string field, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == RefusedRange)
        {
            // The functions name the field and the reason; the prefix is the triggers' house style.
            throw new ArgumentException(exception.MessageText.Replace("DecisionLedger: ", string.Empty, StringComparison.Ordinal), field, exception);
        }
    }
}
