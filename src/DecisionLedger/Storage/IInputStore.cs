namespace DecisionLedger.Storage;

/// <summary>
/// The stored inputs of entries (written by <see cref="ILedgerLog.AppendAsync"/> with their entries):
/// read by seq, and deleted by erasure, the one deletion a ledger allows.
/// </summary>
public interface IInputStore
{
    /// <summary>Returns the stored input of entry <paramref name="seq"/>, or null when none is held (never stored, or erased).</summary>
    ValueTask<StoredInput?> GetInputAsync(long seq, CancellationToken cancellationToken = default);

    /// <summary>Streams stored inputs of entries in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>), ascending.</summary>
    IAsyncEnumerable<StoredInput> ReadInputsAsync(long fromSeq, long toSeq, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases the stored inputs (input and salt) of the given entries and what was derived from
    /// them, atomically: the entries' input fingerprints are cleared (also where the input was
    /// already gone), so a guessed input can no longer be confirmed by a same-input lookup, and the
    /// field catalog forgets the <c>input.</c> paths that only these inputs held. Entries' canonical
    /// bytes and leaf hashes never change. Returns how many input rows were deleted. When it
    /// returns, the deleted bytes must be unrecoverable from the store's files as far as the store
    /// can ensure it (SQLite: secure_delete and a truncated WAL).
    /// </summary>
    ValueTask<int> DeleteInputsAsync(IReadOnlyCollection<long> seqs, CancellationToken cancellationToken = default);
}
