namespace DecisionLedger.Archiving;

/// <summary>One archive file as the <c>archived</c> event commits to it.</summary>
/// <param name="File">The file's relative path in the destination.</param>
/// <param name="Rows">Its row count.</param>
/// <param name="Sha256">The lowercase hex SHA-256 of its bytes.</param>
public sealed record ArchivedFile(string File, long Rows, string Sha256);
