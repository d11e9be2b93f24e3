namespace DecisionLedger.Storage;

/// <summary>
/// The wrapped per-subject keys that encrypted inputs are sealed under; deleting one erases every
/// input of its subject at once (crypto-shredding).
/// </summary>
public interface ISubjectKeyStore
{
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
    /// returns whether one was deleted. As for <see cref="IInputStore.DeleteInputsAsync"/>, the deleted bytes
    /// must not stay recoverable from the store's files.
    /// </summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<bool> DeleteSubjectKeyAsync(string subjectId, CancellationToken cancellationToken = default);
}
