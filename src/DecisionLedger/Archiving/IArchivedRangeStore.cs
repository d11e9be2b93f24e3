namespace DecisionLedger.Archiving;

/// <summary>
/// The one sanctioned deletion besides erasure: a store that records archived seq ranges and then
/// drops the decision bodies, inputs and index rows inside them. Leaf hashes (tiles), checkpoints
/// and every event entry stay; the store's append-only protection lets exactly these rows go.
/// </summary>
public interface IArchivedRangeStore
{
    /// <summary>Records that the decision entries of a range were archived by the <c>archived</c> event at <see cref="ArchivedRange.EventSeq"/>; recording the same range again does nothing.</summary>
    /// <param name="range">The range; it must not overlap another recorded range.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the range is durable.</returns>
    /// <exception cref="ArgumentException">The range overlaps a different recorded range, or the event seq is not an <c>archived</c> event entry.</exception>
    /// <exception cref="DecisionLedger.Storage.LedgerStoreException">The store failed.</exception>
    ValueTask RecordArchivedRangeAsync(ArchivedRange range, CancellationToken cancellationToken = default);

    /// <summary>Reads every recorded range, by first seq.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The ranges, with the rows each removed so far.</returns>
    ValueTask<IReadOnlyList<ArchivedRange>> ReadArchivedRangesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes, in one transaction, the decision entries, stored inputs and index rows with seqs from
    /// <paramref name="firstSeq"/> to <paramref name="lastSeq"/> that lie inside a recorded range;
    /// event entries stay. Running it again removes nothing more.
    /// </summary>
    /// <param name="firstSeq">The first seq.</param>
    /// <param name="lastSeq">The last seq (inclusive).</param>
    /// <param name="cancellationToken">Cancels the removal before it starts.</param>
    /// <returns>How many decision entries were removed.</returns>
    /// <exception cref="ArgumentException">No recorded range covers <paramref name="firstSeq"/>…<paramref name="lastSeq"/>.</exception>
    /// <exception cref="DecisionLedger.Storage.LedgerStoreException">The store failed; nothing was removed.</exception>
    ValueTask<long> RemoveArchivedBodiesAsync(long firstSeq, long lastSeq, CancellationToken cancellationToken = default);

    /// <summary>Gives the space the removed rows held back to the file system (SQLite <c>VACUUM</c>, PostgreSQL <c>VACUUM</c>).</summary>
    /// <param name="cancellationToken">Cancels before the compaction starts.</param>
    /// <returns>A task that completes when the store is compacted.</returns>
    /// <exception cref="DecisionLedger.Storage.LedgerStoreException">The store failed.</exception>
    ValueTask CompactAsync(CancellationToken cancellationToken = default);
}
