namespace DecisionLedger.Retention;

/// <summary>One archive file an <c>archive-expiry</c> event deletes: where it is, the digest and row count the ledger committed to, and its seq span.</summary>
/// <param name="Destination">Where the file is (<c>dir:/…</c> or <c>s3://bucket/prefix</c>), as its <c>archived</c> event names it.</param>
/// <param name="File">The file's relative path; its <c>.manifest</c> beside it goes with it.</param>
/// <param name="Sha256">The lowercase hex SHA-256 the ledger committed to for the file when it was deleted.</param>
/// <param name="Rows">Its number of rows (decisions).</param>
/// <param name="FirstSeq">The first seq of its span.</param>
/// <param name="LastSeq">The last seq of its span (event entries inside the span stay live).</param>
public sealed record ExpiredArchiveFile(string Destination, string File, string Sha256, long Rows, long FirstSeq, long LastSeq);
