namespace DecisionLedger.Checkpoints;

/// <summary>A signed note whose text is vouched for by at least one known key.</summary>
/// <param name="Text">The note text, including its final newline; trust it only because this object exists.</param>
/// <param name="VerifiedBy">The known keys whose signatures verified, each once, in signature-line order (one or more).</param>
/// <param name="UnknownSignatures">Signatures by keys the caller did not supply (witnesses, rotated keys); not checked.</param>
internal sealed record VerifiedNote(
    string Text,
    IReadOnlyList<NoteVerifier> VerifiedBy,
    IReadOnlyList<NoteSignature> UnknownSignatures);
