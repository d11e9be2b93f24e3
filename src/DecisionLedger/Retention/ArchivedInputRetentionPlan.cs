namespace DecisionLedger.Retention;

/// <summary>The stored inputs held in archive files that the retention policy's <c>inputs</c> durations make due for deletion, and those legal holds keep.</summary>
/// <param name="Due">Seqs whose archived input and salt are due and not held, ascending.</param>
/// <param name="Held">Seqs whose archived input is due but held, with the hold.</param>
/// <param name="Files">The archive files (relative paths) that would be rewritten.</param>
/// <param name="Damaged">The archive files that fail their checks and hold due inputs (or cannot be read), described; they are not rewritten (run <c>dledger verify</c>).</param>
public sealed record ArchivedInputRetentionPlan(
    IReadOnlyList<long> Due,
    IReadOnlyList<(long Seq, LegalHold Hold)> Held,
    IReadOnlyList<string> Files,
    IReadOnlyList<string> Damaged);
