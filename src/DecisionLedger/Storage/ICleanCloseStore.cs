namespace DecisionLedger.Storage;

/// <summary>
/// A store that remembers whether the last recorder closed it cleanly, and at which tree size.
/// A recorder's graceful stop signs a checkpoint over every entry and then records
/// "closed cleanly at size N"; the next recorder reads the fact and clears it before writing.
/// So an entry beyond the newest signed checkpoint while the fact stands was not written by a
/// recorder: verification reports it as <c>entry-uncovered</c> and no checkpoint is signed over it
/// without an explicit operator action. Without the fact (a crash, or a recorder still running)
/// an uncovered tail is legitimate: the next open covers it.
/// </summary>
/// <remarks>
/// Somebody with write access to the database can delete the fact as easily as add a row; the
/// forged tail then looks like one a crash left, and the next recorder signs over it. Only a
/// checkpoint kept outside the database (<c>verify --trusted</c>, witnesses) closes that gap.
/// </remarks>
public interface ICleanCloseStore
{
    /// <summary>The tree size the last recorder closed the ledger cleanly at, or null when it did not (or a recorder has opened it since).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    ValueTask<long?> ReadCleanCloseAsync(CancellationToken cancellationToken = default);

    /// <summary>Records that the ledger was closed cleanly at <paramref name="treeSize"/>, or clears the fact when null.</summary>
    /// <param name="treeSize">The size every entry of which a signed checkpoint covers; null to clear.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <exception cref="LedgerStoreException">The store failed, or was opened read-only.</exception>
    ValueTask WriteCleanCloseAsync(long? treeSize, CancellationToken cancellationToken = default);
}
