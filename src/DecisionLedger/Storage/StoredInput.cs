namespace DecisionLedger.Storage;

/// <summary>
/// The input of one decision as stored beside the ledger, with the salt of its commitment.
/// Erasing a data subject deletes these rows; entries keep only the salted digest.
/// </summary>
/// <param name="Seq">The entry the input belongs to.</param>
/// <param name="Salt">The 16 random bytes mixed into <c>inputDigest</c>.</param>
/// <param name="Input">The stored (redacted) input as canonical JSON bytes.</param>
public sealed record StoredInput(long Seq, byte[] Salt, byte[] Input);
