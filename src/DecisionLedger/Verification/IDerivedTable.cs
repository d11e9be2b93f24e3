namespace DecisionLedger.Verification;

/// <summary>
/// One table of a store whose rows are derived from entries, one row per <c>seq</c> at most: what
/// each column must hold for an entry, and range reads of the rows for verification.
/// </summary>
public interface IDerivedTable
{
    /// <summary>The table's SQL name, used in findings (e.g. <c>entry_index</c>).</summary>
    string Name { get; }

    /// <summary>The columns checked against the entry, in the order <see cref="DerivedRows.Values"/> holds them.</summary>
    IReadOnlyList<DerivedColumn> Columns { get; }

    /// <summary>Reads the table's rows filed under <c>seq</c> in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>), ascending by <c>seq</c>, with one range query.</summary>
    /// <param name="fromSeq">The first <c>seq</c>.</param>
    /// <param name="toSeq">One past the last <c>seq</c>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows, and below which <c>seq</c> every entry must have one.</returns>
    /// <exception cref="Storage.LedgerStoreException">The store failed.</exception>
    ValueTask<DerivedRows> ReadRowsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default);

    /// <summary>
    /// Finds the first row that belongs to no entry: a <c>seq</c> below 0, or at or above
    /// <paramref name="entryCount"/> with no entry filed under it, or one the store's own state says
    /// cannot exist yet. Called once, after every entry verified.
    /// </summary>
    /// <param name="entryCount">The number of entries verification accepted (seq 0 to <paramref name="entryCount"/> - 1).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The problem, or null when every row belongs to an entry.</returns>
    /// <exception cref="Storage.LedgerStoreException">The store failed.</exception>
    ValueTask<DerivedRowProblem?> FindStrayRowAsync(long entryCount, CancellationToken cancellationToken = default);
}
