namespace DecisionLedger.Archiving;

/// <summary>One archive file as the ledger commits to it: the <c>archived</c> event's record, with the digest of the newest erasure rewrite.</summary>
/// <param name="File">The file's relative path in its destination.</param>
/// <param name="Rows">Its row count.</param>
/// <param name="Sha256">The lowercase hex SHA-256 its bytes must have now.</param>
/// <param name="Destination">Where it is (<see cref="IArchiveDestination.Describe"/>).</param>
/// <param name="EventSeq">The seq of the <c>archived</c> event that listed it.</param>
/// <param name="FirstSeq">The first seq its name states (else the event's first seq).</param>
/// <param name="LastSeq">The last seq its name states (else the event's last seq).</param>
/// <param name="RewrittenAt">The seq of the newest <c>archive-rewrite</c> event that replaced its digest, or null.</param>
public sealed record ArchiveCatalogFile(string File, long Rows, string Sha256, string Destination, long EventSeq, long FirstSeq, long LastSeq, long? RewrittenAt)
{
    /// <summary>The relative path of the file's signed manifest.</summary>
    public string Manifest => ArchivePaths.ManifestPath(File);

    /// <summary>Names the file and the event that commits to it, for messages.</summary>
    /// <returns>For example <c>archive file fraud/2026-01/…parquet in dir:/a (archived event seq 812)</c>.</returns>
    public string Describe() => RewrittenAt is { } rewrite
        ? $"archive file {File} in {Destination} (archived event seq {EventSeq}, rewritten by the archive-rewrite event at seq {rewrite})"
        : $"archive file {File} in {Destination} (archived event seq {EventSeq})";
}
