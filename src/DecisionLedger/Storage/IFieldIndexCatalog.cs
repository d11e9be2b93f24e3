namespace DecisionLedger.Storage;

/// <summary>
/// A store that can index chosen where-paths (for example <c>output.label</c>), so a query on a rare
/// value finds its first page from an index instead of reading every entry a filter leaves. Stores
/// without it answer where predicates by reading entries.
/// </summary>
public interface IFieldIndexCatalog
{
    /// <summary>The field paths that have an index (e.g. <c>output.label</c>, <c>input.amount</c>), ordinal order.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The indexed paths; empty when none was declared.</returns>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<IReadOnlyList<string>> GetIndexedFieldPathsAsync(CancellationToken cancellationToken = default);
}
