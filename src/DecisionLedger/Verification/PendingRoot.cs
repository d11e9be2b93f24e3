using DecisionLedger.Hashing;

namespace DecisionLedger.Verification;

/// <summary>
/// A signed root the entries did not reproduce, waiting for the next signed root to tell which is
/// wrong: when the later one verifies, the earlier checkpoint is the inconsistent one; otherwise an
/// entry in the range was changed with its stored leaf hash rewritten to match.
/// </summary>
/// <param name="RangeStart">The first seq not covered by an already verified root.</param>
/// <param name="Size">The tree size of the checkpoint that failed.</param>
/// <param name="Signed">The root the checkpoint signed.</param>
/// <param name="Computed">The root the entries give.</param>
internal sealed record PendingRoot(long RangeStart, long Size, Sha256Hash Signed, Sha256Hash Computed)
{
    public TamperFinding AsContentChanged() => new(
        RangeStart,
        TamperKind.ContentChanged,
        $"The entries from seq {RangeStart} to {Size - 1} give root {Computed.ToBase64()} at tree size {Size}, but the signed checkpoint says {Signed.ToBase64()}: an entry in that range was changed (its stored leaf hash was rewritten to match, so the exact entry cannot be told).");
}
