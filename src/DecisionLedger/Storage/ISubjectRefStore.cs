namespace DecisionLedger.Storage;

/// <summary>
/// The <c>subjects</c> mapping of a ledger (clear subject id → random ref). Rows are written by
/// <see cref="ILedgerLog.AppendAsync"/> from <see cref="AppendBatch.NewSubjectRefs"/>, in the batch's
/// transaction, and deleted by erasure, after which the id can no longer be linked to its entries.
/// </summary>
public interface ISubjectRefStore
{
    /// <summary>Returns the refs of those of <paramref name="subjectIds"/> that have a mapping row (id → ref).</summary>
    /// <param name="subjectIds">Clear subject ids; unknown ones are left out of the answer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<IReadOnlyDictionary<string, string>> GetSubjectRefsAsync(IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken = default);

    /// <summary>Returns the clear ids of those of <paramref name="refs"/> that still have a mapping row (ref → id).</summary>
    /// <param name="refs">Subject refs; unknown or erased ones are left out of the answer.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<IReadOnlyDictionary<string, string>> GetSubjectIdsAsync(IReadOnlyCollection<string> refs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the mapping row of <paramref name="subjectId"/> (erasure) and returns the ref it held,
    /// or null when the id had none. As for <see cref="IInputStore.DeleteInputsAsync"/>, the deleted
    /// row must be unrecoverable from the store's files when this returns (SQLite: secure_delete and a
    /// truncated WAL).
    /// </summary>
    /// <param name="subjectId">The clear subject id to forget.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<string?> DeleteSubjectRefAsync(string subjectId, CancellationToken cancellationToken = default);
}
