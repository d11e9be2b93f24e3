using DecisionLedger.Verification;
using Npgsql;

namespace DecisionLedger.PostgreSql;

/// <summary>
/// The <c>request_ids</c> table as verification sees it: one row per entry, copied from it in the
/// append's transaction, which keeps request ids and seqs unique across partitions and answers
/// lookups by request id and the ledger's size. A row edited, deleted or added outside
/// DecisionLedger makes a lookup miss its entry or find another, while every hash still verifies.
/// </summary>
internal sealed class PostgreSqlRequestIdTable(PostgreSqlConnections db, string schema) : IDerivedTable
{
    private const string Table = "request_ids";
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    private static readonly DerivedColumn[] s_columns =
    [
        new("request_id", static c => DerivedValue.Of(c.RequestId)),
        new("ts", static c => DerivedValue.Of((c.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TicksPerMicrosecond)),
    ];

    private readonly PostgreSqlConnections _db = db;
    private readonly string _schema = schema;

    /// <inheritdoc />
    public string Name => Table;

    /// <inheritdoc />
    public IReadOnlyList<DerivedColumn> Columns => s_columns;

    /// <inheritdoc />
    public ValueTask<DerivedRows> ReadRowsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync("read the request ids", async (connection, ct) =>
        {
            // The time as microseconds since the epoch in SQL: an edited 'infinity' reads as NULL (a mismatch), not an error.
            var command = new NpgsqlCommand(
                $"SELECT seq, request_id, CASE WHEN isfinite(ts) THEN (extract(epoch FROM ts) * 1000000)::bigint END FROM {_schema}.{Table} WHERE seq >= @from AND seq < @to ORDER BY seq;",
                connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(PostgreSqlConnections.Bigint("from", fromSeq));
            command.Parameters.Add(PostgreSqlConnections.Bigint("to", toSeq));

            // Every entry has its row: the append writes both in one transaction.
            var rows = new DerivedRows(s_columns.Length, long.MaxValue, (int)Math.Clamp(toSeq - fromSeq, 0, 1 << 16));
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                rows.Add(
                    reader.GetInt64(0),
                    DerivedValue.Of(reader.GetString(1)),
                    reader.IsDBNull(2) ? DerivedValue.Null : DerivedValue.Of(reader.GetInt64(2)));
            }

            return rows;
        }, cancellationToken));

    /// <inheritdoc />
    public ValueTask<DerivedRowProblem?> FindStrayRowAsync(long entryCount, CancellationToken cancellationToken = default) =>
        new(_db.ReadAsync("read the request ids", async Task<DerivedRowProblem?> (connection, ct) =>
        {
            var command = new NpgsqlCommand(
                $"""
                SELECT seq, request_id FROM (
                    (SELECT seq, request_id FROM {_schema}.{Table} WHERE seq < 0 ORDER BY seq LIMIT 1)
                    UNION ALL
                    (SELECT r.seq, r.request_id FROM {_schema}.{Table} r WHERE r.seq >= @count
                        AND NOT EXISTS (SELECT 1 FROM {_schema}.entries e WHERE e.seq = r.seq) ORDER BY r.seq LIMIT 1)) stray
                ORDER BY seq LIMIT 1;
                """,
                connection);
            await using var commandScope = command.ConfigureAwait(false);
            command.Parameters.Add(PostgreSqlConnections.Bigint("count", entryCount));
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                return null;
            }

            long seq = reader.GetInt64(0);
            return new DerivedRowProblem(seq, Table + ".seq", $"'{Table}' has a row for request id '{reader.GetString(1)}' at seq {seq}, but no entry is filed under that seq: a row was added outside DecisionLedger, so the ledger's size and lookups by that request id are wrong.");
        }, cancellationToken));
}
