using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;

namespace DecisionLedger.Reporting;

/// <summary>
/// The signed checkpoint a report was computed against: a report counts only entries with
/// <c>seq</c> below <see cref="TreeSize"/>, so anyone holding the ledger's verifier key can check
/// the note and prove each counted entry's inclusion against <see cref="RootHash"/>.
/// </summary>
/// <param name="Origin">The ledger's origin (first line of the note).</param>
/// <param name="TreeSize">How many entries the checkpoint covers.</param>
/// <param name="RootHash">The Merkle root at that size.</param>
/// <param name="Note">The signed note text, exactly as signed.</param>
public sealed record ReportCheckpoint(string Origin, long TreeSize, Sha256Hash RootHash, string Note)
{
    /// <summary>Verifies <paramref name="signedNote"/> with <paramref name="verifier"/> and names it as a report checkpoint.</summary>
    /// <param name="signedNote">A checkpoint as a C2SP signed note.</param>
    /// <param name="verifier">The ledger's checkpoint verifier.</param>
    /// <returns>The verified checkpoint.</returns>
    /// <exception cref="NoteVerificationException">The note is not validly signed by <paramref name="verifier"/>.</exception>
    public static ReportCheckpoint Open(string signedNote, NoteVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(signedNote);
        ArgumentNullException.ThrowIfNull(verifier);
        Checkpoint checkpoint = CheckpointNote.Open(signedNote, verifier);
        return new ReportCheckpoint(checkpoint.Origin, checkpoint.Size, checkpoint.RootHash, signedNote);
    }

    /// <summary>Opens the store's newest checkpoint, verified with <paramref name="verifier"/>.</summary>
    /// <param name="store">An opened store.</param>
    /// <param name="verifier">The ledger's checkpoint verifier.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The newest verified checkpoint.</returns>
    /// <exception cref="InvalidOperationException">The ledger has no checkpoint yet.</exception>
    /// <exception cref="NoteVerificationException">The newest checkpoint does not verify (tampering).</exception>
    public static async Task<ReportCheckpoint> OpenLatestAsync(ILedgerStore store, NoteVerifier verifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        StoredCheckpoint latest = await store.GetLatestCheckpointAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The ledger has no checkpoint yet, so there is nothing to report against; run 'dledger checkpoint --new' first.");
        return Open(latest.SignedNote, verifier);
    }
}
