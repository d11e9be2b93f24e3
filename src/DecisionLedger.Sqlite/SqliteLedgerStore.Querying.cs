using DecisionLedger.Storage;

namespace DecisionLedger.Sqlite;

/// <summary>
/// The query and index facet of the store: filtered queries and their plans, the field catalog,
/// the where-path indexes an operator declares, and the decision index's progress.
/// </summary>
public sealed partial class SqliteLedgerStore
{
    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EntryFilter.Limit"/> is negative.</exception>
    /// <remarks>A clear subject id matches v1 rows by the id and v2 rows by its ref (<see cref="SubjectQuery"/>).</remarks>
    public IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default) =>
        SubjectQuery.QueryAsync(filter, this, this, _index.QueryAsync, cancellationToken);

    /// <summary>
    /// How SQLite would run <see cref="QueryAsync"/> for <paramref name="filter"/>: the lines of
    /// <c>EXPLAIN QUERY PLAN</c> (after the same index probes the query makes), for tuning and tests.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One line per plan step, indented by depth.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public ValueTask<IReadOnlyList<string>> ExplainQueryAsync(EntryFilter filter, CancellationToken cancellationToken = default) =>
        _index.ExplainQueryAsync(filter, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default) =>
        _index.GetFieldPathsAsync(modelName, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetIndexedFieldPathsAsync(CancellationToken cancellationToken = default) =>
        _index.GetIndexedFieldPathsAsync(cancellationToken);

    /// <summary>
    /// Indexes a where-path (e.g. <c>output.label</c> or <c>input.amount</c>), so a comparison on it
    /// (<c>=</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c> with a string or number) finds the
    /// first page from the index, and counts as an indexed filter for the scan guard. Building reads
    /// every entry (or stored input) once and holds the write lock meanwhile; afterwards each append
    /// pays one more JSON read and index insert per entry. Declaring an indexed path again does nothing.
    /// </summary>
    /// <param name="path">The field path, as a where expression writes it.</param>
    /// <param name="cancellationToken">Cancels before the index is built.</param>
    /// <returns>True when the index was created, false when it already existed.</returns>
    /// <exception cref="FormatException">The path breaks the field path grammar.</exception>
    /// <exception cref="ArgumentException">No entry of this ledger holds the path, so nothing could use the index.</exception>
    /// <exception cref="LedgerStoreException">The store is read-only or failed.</exception>
    public ValueTask<bool> AddFieldIndexAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        FieldPath parsed = FieldPath.Parse(path);
        cancellationToken.ThrowIfCancellationRequested();
        bool created = false;
        _db.WriteSchema($"index the field path {parsed}", (connection, transaction) => created = FieldIndexSql.Add(connection, transaction, parsed));
        return new ValueTask<bool>(created);
    }

    /// <summary>Drops the index of a where-path declared with <see cref="AddFieldIndexAsync"/>; queries on it read entries again.</summary>
    /// <param name="path">The field path.</param>
    /// <param name="cancellationToken">Cancels before the index is dropped.</param>
    /// <returns>True when an index was dropped, false when the path had none.</returns>
    /// <exception cref="FormatException">The path breaks the field path grammar.</exception>
    /// <exception cref="LedgerStoreException">The store is read-only or failed.</exception>
    public ValueTask<bool> DropFieldIndexAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        FieldPath parsed = FieldPath.Parse(path);
        cancellationToken.ThrowIfCancellationRequested();
        bool dropped = false;
        _db.WriteSchema($"drop the index of the field path {parsed}", (connection, transaction) => dropped = FieldIndexSql.DropIfExists(connection, transaction, parsed));
        return new ValueTask<bool>(dropped);
    }

    /// <summary>
    /// Indexes every appended entry the indexer has not reached yet, now, on the caller's thread
    /// (the background indexer does the same a few milliseconds after each append).
    /// </summary>
    /// <param name="cancellationToken">Cancels before indexing starts.</param>
    /// <returns>How many entries were indexed.</returns>
    /// <exception cref="LedgerStoreException">The store is read-only or failed.</exception>
    public ValueTask<long> IndexPendingAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long indexed = 0;
        _db.Write("index the pending entries", writer => indexed = _db.CatchUpIndex(writer));
        return new ValueTask<long>(indexed);
    }

    /// <summary>How many entries the decision index covers (the watermark): every seq below it is indexed; queries scan the rest.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public ValueTask<long> GetIndexedSizeAsync(CancellationToken cancellationToken = default) =>
        _index.GetIndexedSizeAsync(cancellationToken);
}
