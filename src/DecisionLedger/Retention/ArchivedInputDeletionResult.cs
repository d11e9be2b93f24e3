namespace DecisionLedger.Retention;

/// <summary>The stored inputs one retention run removed from archive files because their <c>inputs</c> duration passed.</summary>
/// <param name="Deleted">How many archived inputs (with their salts) were removed.</param>
/// <param name="Held">How many due archived inputs legal holds kept.</param>
/// <param name="Files">How many archive files were rewritten.</param>
/// <param name="EventSeq">The seq of the <c>input-retention</c> event recorded before the rewrite.</param>
/// <param name="RewriteSeqs">The seqs of the <c>archive-rewrite</c> events (one per destination) that commit to the new digests.</param>
/// <param name="Damaged">Archive files that failed their checks and hold due inputs (or cannot be read), left as they are, described.</param>
public sealed record ArchivedInputDeletionResult(int Deleted, int Held, int Files, long EventSeq, IReadOnlyList<long> RewriteSeqs, IReadOnlyList<string> Damaged);
