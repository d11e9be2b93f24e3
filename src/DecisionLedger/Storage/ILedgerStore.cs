using DecisionLedger.Hashing;
using DecisionLedger.Merkle;

namespace DecisionLedger.Storage;

/// <summary>
/// The port every ledger store implements (SQLite embedded, PostgreSQL production). A store
/// is append-only: entries, tiles and checkpoints are never updated or deleted; only stored
/// inputs may be deleted, by erasure. One store contract test suite runs against every
/// implementation.
/// </summary>
public interface ILedgerStore : ITileStore, IAsyncDisposable
{
    /// <summary>Creates the schema if needed, checks the tail is intact, and reports the head.</summary>
    /// <exception cref="LedgerStoreException">The store cannot be opened or its tail is torn.</exception>
    ValueTask<LedgerHead> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes a batch in one transaction: all of it is durable when this returns, or none of it.</summary>
    /// <exception cref="LedgerStoreException">The write failed; nothing of the batch was stored.</exception>
    ValueTask AppendAsync(AppendBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Returns the number of entries now in the store (the next <c>seq</c>).</summary>
    ValueTask<long> GetSizeAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a checkpoint on its own (e.g. on shutdown with no new entries).</summary>
    ValueTask AppendCheckpointAsync(StoredCheckpoint checkpoint, CancellationToken cancellationToken = default);

    /// <summary>Returns the entry at <paramref name="seq"/>, or null.</summary>
    ValueTask<StoredEntry?> GetEntryAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>Returns the entry with <paramref name="requestId"/>, or null.</summary>
    ValueTask<StoredEntry?> FindByRequestIdAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>Returns which of <paramref name="requestIds"/> are already in the ledger.</summary>
    ValueTask<IReadOnlySet<string>> FindExistingRequestIdsAsync(IReadOnlyCollection<string> requestIds, CancellationToken cancellationToken = default);

    /// <summary>Streams entries with <paramref name="fromSeq"/> ≤ seq &lt; <paramref name="toSeq"/> in ascending order.</summary>
    IAsyncEnumerable<StoredEntry> ReadEntriesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default);

    /// <summary>Returns the stored leaf hashes of entries in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>), ascending.</summary>
    ValueTask<IReadOnlyList<Sha256Hash>> ReadLeafHashesAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default);

    /// <summary>Returns the stored input of entry <paramref name="seq"/>, or null when none is held (never stored, or erased).</summary>
    ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>Streams stored inputs of entries in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>), ascending.</summary>
    IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default);

    /// <summary>Streams every stored checkpoint in the order stored.</summary>
    IAsyncEnumerable<StoredCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the newest checkpoint, or null.</summary>
    ValueTask<StoredCheckpoint?> GetLatestCheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams entries matching <paramref name="filter"/>, newest first, at most <see cref="EntryFilter.Limit"/>,
    /// <see cref="EntryFilter.Where"/> predicates included (evaluated with bound parameters, never spliced SQL).
    /// </summary>
    IAsyncEnumerable<StoredEntry> QueryAsync(EntryFilter filter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the field catalog: the distinct field paths (e.g. <c>output.label</c>,
    /// <c>input.amount</c>, <c>explanation.attributions.amount</c>) seen in the entries of
    /// <paramref name="modelName"/>, or of every model when null, sorted ordinally. A store fills
    /// it on append, in the same transaction, from <see cref="Querying.FieldPathCollector.Collect"/>
    /// of each batch (bounded depth and count); <c>input.</c> paths come from plaintext inputs only.
    /// Queries use it to reject an unknown <c>--where</c> path with the known ones as a hint.
    /// </summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<IReadOnlyList<string>> GetFieldPathsAsync(string? modelName, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the stored inputs (input and salt) of the given entries (erasure); returns how many
    /// were deleted. When it returns, the deleted bytes must be unrecoverable from the store's files
    /// as far as the store can ensure it (SQLite: secure_delete and a truncated WAL).
    /// </summary>
    ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default);

    /// <summary>Returns the wrapped input keys of those of <paramref name="subjectIds"/> that have one (encrypted inputs).</summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<IReadOnlyDictionary<string, byte[]>> GetSubjectKeysAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores each candidate wrapped key for a subject that has none yet, in one transaction, and
    /// returns the wrapped key now stored for every given subject (a key already stored wins, so
    /// two writers racing agree on one key).
    /// </summary>
    /// <exception cref="LedgerStoreException">The store failed; nothing was stored.</exception>
    ValueTask<IReadOnlyDictionary<string, byte[]>> GetOrCreateSubjectKeysAsync(IReadOnlyDictionary<string, byte[]> candidates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a subject's wrapped key (erasure: inputs encrypted under it can no longer be read);
    /// returns whether one was deleted. As for <see cref="DeleteInputsAsync"/>, the deleted bytes
    /// must not stay recoverable from the store's files.
    /// </summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default);
}
