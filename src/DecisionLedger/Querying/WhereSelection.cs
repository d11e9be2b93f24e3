using DecisionLedger.Storage;

namespace DecisionLedger.Querying;

/// <summary>
/// Resolves a filter's <see cref="EntryFilter.Where"/> predicates to the set of matching sequence numbers,
/// for passes that walk the ledger in <c>seq</c> order (evidence bundles, their reports) rather than query it.
/// </summary>
/// <remarks>
/// The predicates are answered by the store, through the same <see cref="LedgerQuery"/> as <c>dledger query</c>,
/// so an export selects exactly what a query shows: one semantics, evaluated in one place. The set holds one
/// <see cref="long"/> per match (8 MB per million matching entries), not the entries.
/// </remarks>
public static class WhereSelection
{
    private const int PageSize = 4096;

    /// <summary>
    /// Returns <paramref name="filter"/> with its where predicates resolved against the entries below <paramref name="treeSize"/>;
    /// a filter without predicates is returned unchanged.
    /// </summary>
    /// <param name="store">The opened store.</param>
    /// <param name="filter">The filter; its column filters narrow the query as they do in <c>dledger query</c>.</param>
    /// <param name="treeSize">Only entries with <c>seq</c> below this (the checkpoint's size) are selected.</param>
    /// <param name="allowScan">True to run unindexed predicates on a large ledger (<c>--allow-scan</c>).</param>
    /// <param name="options">Threshold and parameter names for errors; null for the CLI's.</param>
    /// <param name="cancellationToken">Stops the query.</param>
    /// <exception cref="QueryException">An unknown field path, or an unindexed scan refused on a large ledger.</exception>
    public static async ValueTask<EntryFilter> ResolveAsync(
        ILedgerStore store,
        EntryFilter filter,
        long treeSize,
        bool allowScan,
        LedgerQueryOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Where.Count == 0)
        {
            return filter;
        }

        var query = new LedgerQuery(store, options);
        EntryFilter page = filter with { BeforeSeq = filter.BeforeSeq is { } before ? Math.Min(before, treeSize) : treeSize, Limit = PageSize, SelectedSeqs = null };
        var selected = new HashSet<long>();
        string? cursor = null;
        do
        {
            QueryPage result = await query.RunAsync(page, cursor, allowScan, cancellationToken).ConfigureAwait(false);
            foreach (StoredEntry entry in result.Entries)
            {
                selected.Add(entry.Seq);
            }

            cursor = result.NextCursor;
        }
        while (cursor is not null);

        return filter with { SelectedSeqs = selected };
    }
}
