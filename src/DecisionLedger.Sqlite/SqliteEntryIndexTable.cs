using DecisionLedger.Verification;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The decision index (<c>entry_index</c>) as verification sees it: each row is derived from one
/// entry by <see cref="SqliteIndexWriter"/>, and every entry below the indexer's watermark
/// (<c>index_state.watermark</c>) has exactly one. Queries over indexed entries, erasure by subject
/// and reports go through these rows, so a row edited, deleted or added outside DecisionLedger makes
/// them answer wrongly while every hash still verifies.
/// </summary>
/// <remarks>
/// <c>fingerprint_key</c> is not checked: it comes from the input fingerprint, a keyed hash of the
/// original input that no entry holds (and erasure clears it).
/// </remarks>
internal sealed class SqliteEntryIndexTable(SqliteConnections db) : IDerivedTable
{
    private const string Table = "entry_index";

    private static readonly DerivedColumn[] s_columns =
    [
        new("model", static c => DerivedValue.Of(c.ModelName)),
        new("version", static c => DerivedValue.Of(c.ModelVersion)),
        new("user_id", static c => DerivedValue.Of(c.UserId)),
        new("tenant", static c => DerivedValue.Of(c.Tenant)),
        new("subject_key", static c => DerivedValue.Of(SqliteSchema.SubjectKey(c.SubjectId))),
        new("ts", static c => DerivedValue.Of(SqliteRows.ToUnixMicroseconds(c.Timestamp))),
        new("kind", static c => DerivedValue.Of(c.Kind)),
    ];

    private readonly SqliteConnections _db = db;
    private bool? _exists;

    /// <inheritdoc />
    public string Name => Table;

    /// <inheritdoc />
    public IReadOnlyList<DerivedColumn> Columns => s_columns;

    /// <inheritdoc />
    public ValueTask<DerivedRows> ReadRowsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<DerivedRows>(_db.Read("read the decision index", connection =>
        {
            if (!Exists(connection))
            {
                return new DerivedRows(s_columns.Length, requiredBelow: 0);
            }

            // The watermark is read first: rows are never deleted, so every entry below it must
            // still have its row when the rows are read, even while the indexer moves on.
            long watermark = SqliteConnections.Scalar(connection, "SELECT coalesce((SELECT watermark FROM index_state WHERE id = 0), 0);");
            var rows = new DerivedRows(s_columns.Length, watermark, (int)Math.Clamp(toSeq - fromSeq, 0, 1 << 16));
            SqliteIndexRowReader.Read(connection, fromSeq, toSeq, rows);
            return rows;
        }));
    }

    /// <inheritdoc />
    public ValueTask<DerivedRowProblem?> FindStrayRowAsync(long entryCount, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<DerivedRowProblem?>(_db.Read("read the decision index", connection =>
        {
            if (!Exists(connection))
            {
                return null;
            }

            // One statement each, so the watermark and the rows are one snapshot: the indexer writes both in one transaction.
            long below = ScalarOrMin(connection, "SELECT max(seq) FROM entry_index WHERE seq < 0;");
            if (below != long.MinValue)
            {
                return new DerivedRowProblem(below, Table + ".seq", $"'{Table}' has a row for seq {below}, which no entry can have: a row was added outside DecisionLedger.");
            }

            long watermark = SqliteConnections.Scalar(connection, "SELECT coalesce((SELECT watermark FROM index_state WHERE id = 0), 0);");
            long beyond = ScalarOrMin(connection, "SELECT min(seq) FROM entry_index WHERE seq >= (SELECT coalesce((SELECT watermark FROM index_state WHERE id = 0), 0));");
            if (beyond != long.MinValue)
            {
                return new DerivedRowProblem(beyond, Table + ".seq", $"'{Table}' has a row for seq {beyond}, at or above the indexer's watermark (index_state.watermark {watermark}), where it has indexed nothing yet: a row was added outside DecisionLedger, and indexing that entry will fail.");
            }

            long size = SqliteConnections.Scalar(connection, "SELECT coalesce(max(seq) + 1, 0) FROM entries;");
            if (watermark > size)
            {
                return new DerivedRowProblem(watermark, "index_state.watermark", $"the indexer's watermark says {watermark} entries are indexed, but the ledger holds {size}: it was raised outside DecisionLedger, so entries appended from seq {size} on would never be indexed and queries would miss them.");
            }

            return null;
        }));
    }

    private static long ScalarOrMin(SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : long.MinValue;
    }

    // A version 1 file opened read-only has no index table yet (the first writable open creates it).
    private bool Exists(SqliteConnection connection) => _exists ??= SqliteSchema.HasTable(connection, null, Table);
}
