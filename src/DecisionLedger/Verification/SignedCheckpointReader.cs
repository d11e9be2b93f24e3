using DecisionLedger.Checkpoints;
using DecisionLedger.Hashing;
using DecisionLedger.Storage;

namespace DecisionLedger.Verification;

/// <summary>
/// The checks of stored checkpoints that need no entry: each note's signature with the ledger's
/// key and origin (<see cref="TamperKind.CheckpointForged"/>), sizes that go backwards in storage
/// order (<see cref="TamperKind.CheckpointRolledBack"/>) and equal sizes with different roots
/// (<see cref="TamperKind.CheckpointInconsistent"/>). The roots of the valid ones are then
/// reproduced from the entries by <see cref="TamperClassifier"/>.
/// </summary>
internal static class SignedCheckpointReader
{
    /// <summary>
    /// Opens every stored checkpoint with the ledger's key, adds those at or above
    /// <paramref name="startSize"/> that are valid to <paramref name="accepted"/> (sorted by size),
    /// and returns the finding with the lowest tree size, or null.
    /// </summary>
    public static TamperFinding? Read(NoteVerifier verifier, string origin, IEnumerable<StoredCheckpoint> checkpoints, long startSize, List<(long Size, Sha256Hash Root)> accepted)
    {
        TamperFinding? first = null;
        var rootsBySize = new Dictionary<long, Sha256Hash>();
        long maxSize = -1;
        foreach (StoredCheckpoint stored in checkpoints)
        {
            TamperFinding? finding = null;
            Checkpoint? signed = null;
            try
            {
                signed = CheckpointNote.Open(stored.SignedNote, verifier, origin);
            }
            catch (NoteVerificationException e)
            {
                finding = new TamperFinding(stored.TreeSize, TamperKind.CheckpointForged, $"The checkpoint stored for tree size {stored.TreeSize} does not verify with key '{verifier.Name}' for origin '{origin}' ({e.Reason}): {e.Message}");
            }

            if (signed is not null)
            {
                if (signed.Size != stored.TreeSize || signed.RootHash != stored.RootHash)
                {
                    finding = new TamperFinding(stored.TreeSize, TamperKind.CheckpointForged, $"The store lists a checkpoint for tree size {stored.TreeSize} with root {stored.RootHash.ToBase64()}, but its signed note says size {signed.Size} with root {signed.RootHash.ToBase64()}.");
                }
                else if (signed.Size < maxSize)
                {
                    finding = new TamperFinding(signed.Size, TamperKind.CheckpointRolledBack, $"A checkpoint for tree size {signed.Size} was stored after one for tree size {maxSize}: the ledger's head moved backwards.");
                }
                else if (rootsBySize.TryGetValue(signed.Size, out Sha256Hash earlier) && earlier != signed.RootHash)
                {
                    finding = new TamperFinding(signed.Size, TamperKind.CheckpointInconsistent, $"Two signed checkpoints for tree size {signed.Size} have different roots, {earlier.ToBase64()} and {signed.RootHash.ToBase64()}: the ledger showed a split view.");
                }
                else
                {
                    maxSize = signed.Size;
                    if (rootsBySize.TryAdd(signed.Size, signed.RootHash) && signed.Size >= startSize)
                    {
                        accepted.Add((signed.Size, signed.RootHash));
                    }
                }
            }

            if (finding is not null && (first is null || finding.Seq < first.Seq))
            {
                first = finding;
            }
        }

        accepted.Sort(static (a, b) => a.Size.CompareTo(b.Size));
        return first;
    }
}
