using DecisionLedger.Heads;

namespace DecisionLedger.Storage;

/// <summary>
/// Reads what the sequencer needs to rebuild its heads map (entry v2) from the store: the chain
/// heads over a range of decision entries, and where the first event of a kind sits.
/// </summary>
public interface IChainHeadReader
{
    /// <summary>
    /// Streams the chain heads of the decision entries (kind <c>decision</c>) with
    /// <paramref name="fromSeq"/> ≤ seq &lt; <paramref name="beforeSeq"/>: one per distinct subject
    /// column value (key <c>s:</c> + the column; entries without a subject have no subject key) and one
    /// per model name (key <c>m:</c> + the model), each with the greatest seq and the number of entries
    /// in the range. Order is unspecified. Entries appended and not yet indexed are included.
    /// </summary>
    /// <param name="fromSeq">The first seq of the range (inclusive).</param>
    /// <param name="beforeSeq">The end of the range (exclusive).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    IAsyncEnumerable<(string Key, ChainHead Head)> ReadChainHeadsAsync(long fromSeq, long beforeSeq, CancellationToken cancellationToken = default);

    /// <summary>Returns the seq of the first event entry of <paramref name="kind"/> (e.g. <c>format</c>), or null when there is none.</summary>
    /// <param name="kind">The event kind, as in the entries' <c>kind</c> column.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<long?> FindFirstEventAsync(string kind, CancellationToken cancellationToken = default);
}
