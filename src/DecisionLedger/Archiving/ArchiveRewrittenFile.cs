namespace DecisionLedger.Archiving;

/// <summary>One archive file an erasure rewrote, as the <c>archive-rewrite</c> event commits to it.</summary>
/// <param name="File">The file's relative path (unchanged by the rewrite).</param>
/// <param name="Previous">The lowercase hex SHA-256 the ledger committed to before the rewrite.</param>
/// <param name="Rows">The row count (unchanged by the rewrite).</param>
/// <param name="Sha256">The lowercase hex SHA-256 of the rewritten file.</param>
public sealed record ArchiveRewrittenFile(string File, string Previous, long Rows, string Sha256);
