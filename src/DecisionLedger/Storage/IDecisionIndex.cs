namespace DecisionLedger.Storage;

/// <summary>
/// The decision index: finds entries by request id, by their columns and where predicates, and
/// lists the field catalog. A store may maintain it after the commit (SQLite's deferred indexer),
/// but its answers must not depend on that: entries appended and not yet indexed are found too.
/// </summary>
public interface IDecisionIndex
{
    /// <summary>Returns the entry with <paramref name="requestId"/>, or null.</summary>
    ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>Returns which of <paramref name="requestIds"/> are already in the ledger.</summary>
    ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams entries matching <paramref name="filter"/>, newest first, at most <see cref="EntryFilter.Limit"/>,
    /// <see cref="EntryFilter.Where"/> predicates included (evaluated with bound parameters, never spliced SQL).
    /// </summary>
    IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the field catalog: the distinct field paths (e.g. <c>output.label</c>,
    /// <c>input.amount</c>, <c>explanation.attributions.amount</c>) seen in the entries of
    /// <paramref name="modelName"/>, or of every model when null, sorted ordinally, as
    /// <see cref="FieldPathCollector.Collect(AppendBatch)"/> finds them in the entries (bounded depth and
    /// count); <c>input.</c> paths come from plaintext inputs only. A store may collect them after the
    /// commit (SQLite's indexer), but the answer includes every appended entry.
    /// Queries use it to reject an unknown <c>--where</c> path with the known ones as a hint.
    /// </summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default);
}
