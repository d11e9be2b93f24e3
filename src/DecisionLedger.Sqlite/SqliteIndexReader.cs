using System.Runtime.CompilerServices;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;
using Microsoft.Data.Sqlite;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The read side of a <see cref="SqliteLedgerStore"/>'s decision index: queries (the not-yet-indexed
/// tail first, then the indexed part through <c>entry_index</c> or a chosen driver), their plans, the
/// field catalog and the watermark.
/// </summary>
internal sealed class SqliteIndexReader(SqliteConnections db)
{
    private readonly SqliteConnections _db = db;

    /// <exception cref="ArgumentOutOfRangeException"><see cref="EntryFilter.Limit"/> is negative.</exception>
    public async IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(filter.Limit, nameof(filter));
        const string Action = "query entries";
        using SqliteConnection connection = _db.OpenReadConnection(Action);
        long watermark = ReadWatermark(connection, Action);

        // The request id's unique index is written in the commit: it needs no tail.
        if (filter.RequestId is null && (filter.BeforeSeq is not { } before || before > watermark))
        {
            // The entries the indexer has not reached are the newest: they come first, read in seq order.
            int fromTail = 0;
            using (SqliteCommand tail = connection.CreateCommand())
            {
                EntryFilterSql.Apply(tail, filter, tailFrom: watermark);
                await foreach (StoredEntry entry in _db.StreamEntriesAsync(tail, Action, cancellationToken).ConfigureAwait(false))
                {
                    fromTail++;
                    yield return entry;
                }
            }

            if (fromTail == filter.Limit || watermark == 0)
            {
                yield break;
            }

            filter = filter with { BeforeSeq = watermark, Limit = filter.Limit - fromTail };
        }

        await foreach (StoredEntry entry in QueryIndexedAsync(connection, filter, Action, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    // The part of a query the indexer covers (seq below the watermark, or any seq for a request id).
    private async IAsyncEnumerable<StoredEntry> QueryIndexedAsync(SqliteConnection connection, EntryFilter filter, string action, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SqliteQueryPlan plan;
        try
        {
            plan = ChoosePlan(connection, filter);
        }
        catch (SqliteException exception)
        {
            throw _db.Wrap(exception, action);
        }

        int returned = 0;
        if (plan.WindowStart is { } start)
        {
            using SqliteCommand window = connection.CreateCommand();
            EntryFilterSql.Apply(window, filter, driver: null, windowStart: start);
            await foreach (StoredEntry entry in _db.StreamEntriesAsync(window, action, cancellationToken).ConfigureAwait(false))
            {
                returned++;
                yield return entry;
            }

            // Everything at or above the window's start was walked: the rest of the page lies below it.
            if (returned == filter.Limit || start == 0)
            {
                yield break;
            }

            filter = filter with { BeforeSeq = start, Limit = filter.Limit - returned };
            plan = plan with { Driver = QueryDriverSql.TimeRangeDriver(filter) };
        }

        using SqliteCommand command = connection.CreateCommand();
        EntryFilterSql.Apply(command, filter, plan.Driver, walkIndex: plan.WalkIndex, joinIndex: JoinsIndex(filter, plan));
        await foreach (StoredEntry entry in _db.StreamEntriesAsync(command, action, cancellationToken).ConfigureAwait(false))
        {
            yield return entry;
        }
    }

    /// <summary>
    /// How SQLite would run <see cref="QueryAsync"/> for <paramref name="filter"/>: the lines of
    /// <c>EXPLAIN QUERY PLAN</c> (after the same index probes the query makes), for tuning and tests.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One line per plan step, indented by depth.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public ValueTask<IReadOnlyList<string>> ExplainQueryAsync(EntryFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<string>>(_db.Read("explain a query", IReadOnlyList<string> (connection) =>
        {
            // The indexed part is explained (the tail is read in seq order); a windowed plan explains
            // its second statement, the one that reads the time index.
            long watermark = ReadWatermark(connection, "explain a query");
            if (filter.RequestId is null)
            {
                filter = filter with { BeforeSeq = Math.Min(filter.BeforeSeq ?? watermark, watermark) };
            }

            SqliteQueryPlan plan = ChoosePlan(connection, filter);
            if (plan.WindowStart is { } start)
            {
                filter = filter with { BeforeSeq = start };
                plan = plan with { Driver = QueryDriverSql.TimeRangeDriver(filter) };
            }

            using SqliteCommand command = connection.CreateCommand();
            EntryFilterSql.Apply(command, filter, plan.Driver, walkIndex: plan.WalkIndex, joinIndex: JoinsIndex(filter, plan));
            command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            var lines = new List<string>();
            var depths = new Dictionary<long, int>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                int depth = depths.TryGetValue(reader.GetInt64(1), out int parent) ? parent + 1 : 0;
                depths[reader.GetInt64(0)] = depth;
                lines.Add(new string(' ', 2 * depth) + reader.GetString(3));
            }

            return lines;
        }));
    }

    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<string>>(_db.Read("read the field catalog", IReadOnlyList<string> (connection) =>
        {
            // A ledger only ever opened read-only since before the catalog existed has none yet.
            if (!SqliteSchema.HasTable(connection, null, "field_paths"))
            {
                return [];
            }

            var paths = new HashSet<string>(StringComparer.Ordinal);
            Dictionary<string, HashSet<string>> tail = CollectTailPaths(connection, ReadWatermark(connection, "read the field catalog"));
            foreach ((string model, HashSet<string> modelPaths) in tail)
            {
                if (modelName is null || string.Equals(model, modelName, StringComparison.Ordinal))
                {
                    paths.UnionWith(modelPaths);
                }
            }

            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = modelName is null
                ? "SELECT DISTINCT path FROM field_paths ORDER BY path;"
                : "SELECT path FROM field_paths WHERE model = @model ORDER BY path;";
            command.Parameters.AddWithValue("@model", (object?)modelName ?? DBNull.Value);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                paths.Add(reader.GetString(0));
            }

            return paths.Order(StringComparer.Ordinal).ToList();
        }));
    }

    public ValueTask<IReadOnlyList<string>> GetIndexedFieldPathsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IReadOnlyList<string>>(_db.Read("read the indexed field paths", connection => FieldIndexSql.Read(connection, null)));
    }

    /// <summary>How many entries the decision index covers (the watermark): every seq below it is indexed; queries scan the rest.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public ValueTask<long> GetIndexedSizeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        const string Action = "read the index watermark";
        return new ValueTask<long>(_db.Read(Action, connection => ReadWatermark(connection, Action)));
    }

    // The plain plan of a column filter walks entry_index; a driver, a walk of a where-path index,
    // or no column filter at all read entries directly.
    private static bool JoinsIndex(EntryFilter filter, SqliteQueryPlan plan) =>
        plan.Driver is null && plan.WalkIndex is null && plan.WindowStart is null && filter.RequestId is null
        && (filter.ModelName is not null || filter.ModelVersion is not null || filter.UserId is not null
            || filter.Tenant is not null || filter.SubjectId is not null || filter.InputFingerprint is not null
            || filter.Kind is not null || filter.From is not null || filter.To is not null);

    // A request id is found through its unique index, written in the commit: no driver from
    // entry_index (it would miss the tail) is needed or wanted.
    private static SqliteQueryPlan ChoosePlan(SqliteConnection connection, EntryFilter filter) =>
        filter.RequestId is null ? QueryDriverSql.Choose(connection, filter) : new SqliteQueryPlan(null, null);

    // A version 1 file opened read-only has no index state: every entry is tail.
    private long ReadWatermark(SqliteConnection connection, string action)
    {
        try
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT watermark FROM index_state WHERE id = 0;";
            return command.ExecuteScalar() is long watermark ? watermark : 0;
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == 1 && !SqliteSchema.HasTable(connection, null, "index_state"))
        {
            return 0;
        }
        catch (SqliteException exception)
        {
            throw _db.Wrap(exception, action);
        }
    }

    private Dictionary<string, HashSet<string>> CollectTailPaths(SqliteConnection connection, long watermark)
    {
        var entries = new List<StoredEntry>();
        var inputs = new List<StoredInput>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT " + SqliteSchema.EntryColumns + " FROM entries WHERE seq >= @from ORDER BY seq;";
            command.Parameters.AddWithValue("@from", watermark);
            using SqliteDataReader reader = command.ExecuteReader();
            byte[] scratch = new byte[Sha256Hash.Size];
            while (reader.Read())
            {
                entries.Add(SqliteRows.ReadEntry(reader, scratch, _db.DatabasePath));
            }
        }

        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT seq, salt, input FROM inputs WHERE seq >= @from ORDER BY seq;";
            command.Parameters.AddWithValue("@from", watermark);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                inputs.Add(SqliteInputReader.ReadInput(reader));
            }
        }

        return FieldPathCollector.Collect(entries, inputs);
    }
}
