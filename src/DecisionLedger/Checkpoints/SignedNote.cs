namespace DecisionLedger.Checkpoints;

/// <summary>A parsed, not yet verified, signed note: its text and its signature lines in order.</summary>
/// <param name="Text">The note text, including its final newline but not the blank separator line.</param>
/// <param name="Signatures">The signature lines, in the order they appear (one or more).</param>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures);
