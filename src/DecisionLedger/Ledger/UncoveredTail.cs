using DecisionLedger.Storage;

namespace DecisionLedger.Ledger;

/// <summary>
/// Entries beyond the newest signed checkpoint, and whether the ledger was closed cleanly before
/// they appeared (<see cref="ICleanCloseStore"/>): after a clean close they were not written by a
/// recorder, which is tampering; otherwise a crash or a running recorder left them, which is normal.
/// </summary>
/// <param name="FirstSeq">The first entry no signed checkpoint covers: the newest checkpoint's tree size.</param>
/// <param name="LedgerSize">The number of entries in the ledger.</param>
/// <param name="ClosedCleanlyAt">The tree size the last recorder closed the ledger cleanly at, or null when it did not.</param>
public sealed record UncoveredTail(long FirstSeq, long LedgerSize, long? ClosedCleanlyAt)
{
    /// <summary>How many entries no signed checkpoint covers.</summary>
    public long Count => LedgerSize - FirstSeq;

    /// <summary>
    /// True when the tail appeared after a clean close at (or before) the newest checkpoint: no recorder wrote it.
    /// A clean close at a larger size means a recorder stopped (and covered the tail) after the
    /// checkpoints were read, as when <c>verify</c> runs beside a recorder that stops meanwhile.
    /// </summary>
    public bool AfterCleanClose => ClosedCleanlyAt is { } closedAt && closedAt <= FirstSeq;

    /// <summary>
    /// Finds the uncovered tail of <paramref name="store"/>, or null when the newest checkpoint covers
    /// every entry. A store that keeps no clean-close fact reports every tail as left by a crash.
    /// </summary>
    /// <exception cref="LedgerStoreException">The store failed.</exception>
    public static async ValueTask<UncoveredTail?> FindAsync(ILedgerStore store, long ledgerSize, long newestCheckpointSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (ledgerSize <= newestCheckpointSize)
        {
            return null;
        }

        long? closedAt = store is ICleanCloseStore marker
            ? await marker.ReadCleanCloseAsync(cancellationToken).ConfigureAwait(false)
            : null;
        return new UncoveredTail(newestCheckpointSize, ledgerSize, closedAt);
    }

    /// <summary>The refusal a recorder (or <c>checkpoint --new</c>) gives instead of signing over this tail.</summary>
    public UncoveredTailException ToException() => new(this,
        $"{Count} entries from seq {FirstSeq} on are covered by no signed checkpoint, although the ledger was closed cleanly at tree size {ClosedCleanlyAt}: " +
        "no recorder wrote them, so they are probably forged (entry-uncovered). Refusing to sign a checkpoint over them. " +
        "Run 'dledger verify' and investigate; only if they are genuine, run 'dledger checkpoint --new --accept-uncovered-tail' to sign over them (the decision is logged).");
}
